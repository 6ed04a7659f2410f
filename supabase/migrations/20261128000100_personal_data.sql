-- Personal data has a lifetime. Retention periods live in app_settings (ops change them without a
-- deploy); one function, prune_personal_data(), strips what has outlived them and runs hourly by
-- pg_cron in bounded batches, so a first run on a big table catches up over a few hours instead of
-- holding one long transaction. erase_person() removes or anonymises one person on request while
-- the vouchers' financial record stays (amounts, status, dates) under an anonymised customer.
-- Partial indexes hold only the rows still to strip, so each run costs what it strips, not the
-- table's size; two more serve the metrics and the stuck-work job. Re-runs safely.

insert into public.app_settings (key, value, description) values
  ('retention_message_days', '90', 'Days after which message bodies and raw payloads (messages, status events, other webhook events, raw webhook bodies) are stripped by the prune-personal-data job.'),
  ('retention_profile_days', '90', 'Days without an inbound message after which a conversation''s WhatsApp profile name and username are cleared (the next message brings them back).'),
  ('retention_tool_output_days', '7', 'Days after which tool_calls.arguments and output are stripped. Keep it longer than conversations stay in the agent''s memory in practice: memory shows a stripped call as {"removed":"retention"}.'),
  ('retention_eval_days', '30', 'Days after which eval_runs.report keeps only the totals and each case''s id and result (the transcripts go).'),
  ('retention_cron_history_days', '14', 'Days of cron.job_run_details kept.')
on conflict (key) do nothing;

-- Only rows that still hold personal data: the index shrinks as the job strips.
create index if not exists messages_retention_idx on public.messages (created_at)
  where body is not null or payload <> '{}'::jsonb;
create index if not exists conversations_retention_idx on public.conversations ((coalesce(last_inbound_at, created_at)))
  where profile_name is not null or username is not null;
create index if not exists tool_calls_retention_idx on public.tool_calls (created_at)
  where arguments <> '{}'::jsonb or output is distinct from '{"removed": "retention"}'::jsonb;
create index if not exists eval_runs_retention_idx on public.eval_runs (finished_at)
  where not report ? 'transcripts_removed_at';
-- whatsapp_stats counts replies sent and failures in a window by sent_at and failed_at, and
-- whatsapp_requeue_stuck looks for lapsed claims every minute: without these, seq scans.
create index if not exists messages_sent_idx on public.messages (sent_at) include (status)
  where direction = 'outbound' and sent_at is not null;
create index if not exists messages_failed_idx on public.messages (failed_at) include (error_code)
  where direction = 'outbound' and status = 'failed';
create index if not exists conversations_claimed_idx on public.conversations (claimed_until)
  where claimed_until is not null;

create or replace function public.retention_cutoff(p_key text, p_default integer) returns timestamptz
language sql stable security invoker set search_path = '' as $$
  select now() - make_interval(days => greatest(public.whatsapp_setting(p_key, p_default), 1))
$$;
comment on function public.retention_cutoff(text, integer) is 'now() minus the retention period app_settings holds under p_key (in days, at least 1), or p_default.';

create or replace function public.prune_personal_data(p_batch integer default 20000) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  msg_cut timestamptz := public.retention_cutoff('retention_message_days', 90);
  n_messages bigint;
  n_status bigint;
  n_events bigint;
  n_raw bigint := 0;
  raw_table regclass := to_regclass('public.webhook_payloads');
  n_profiles bigint;
  n_tools bigint;
  n_evals bigint;
  n_cron bigint := 0;
begin
  update public.messages m set body = null, payload = '{}'::jsonb
  where m.id = any(array(select x.id from public.messages x
    where x.created_at < msg_cut and (x.body is not null or x.payload <> '{}'::jsonb)
    order by x.created_at limit p_batch));
  get diagnostics n_messages = row_count;
  -- Status events and other webhook events are deleted after the telemetry retention anyway
  -- (prune_whatsapp_events); this covers a telemetry retention set longer than this one.
  update public.message_status_events s set payload = '{}'::jsonb
  where s.id = any(array(select x.id from public.message_status_events x
    where x.created_at < msg_cut and x.payload <> '{}'::jsonb order by x.created_at limit p_batch));
  get diagnostics n_status = row_count;
  update public.whatsapp_events e set payload = '{}'::jsonb
  where e.id = any(array(select x.id from public.whatsapp_events x
    where x.created_at < msg_cut and x.payload <> '{}'::jsonb order by x.created_at limit p_batch));
  get diagnostics n_events = row_count;
  -- Raw webhook bodies, when that table exists (it comes with another migration): whole rows go.
  -- Named through a variable so that neither this migration nor plpgsql_check needs the table.
  if raw_table is not null then
    execute format('delete from %s w where w.ctid = any(array(select x.ctid from %s x where x.created_at < $1 limit $2))',
      raw_table, raw_table) using msg_cut, p_batch;
    get diagnostics n_raw = row_count;
  end if;

  update public.conversations c set profile_name = null, username = null
  where c.id = any(array(select x.id from public.conversations x
    where coalesce(x.last_inbound_at, x.created_at) < public.retention_cutoff('retention_profile_days', 90)
      and (x.profile_name is not null or x.username is not null)
    limit p_batch));
  get diagnostics n_profiles = row_count;

  update public.tool_calls t set arguments = '{}'::jsonb, output = '{"removed": "retention"}'::jsonb
  where t.id = any(array(select x.id from public.tool_calls x
    where x.created_at < public.retention_cutoff('retention_tool_output_days', 7)
      and (x.arguments <> '{}'::jsonb or x.output is distinct from '{"removed": "retention"}'::jsonb)
    order by x.created_at limit p_batch));
  get diagnostics n_tools = row_count;

  -- Eval transcripts hold model replies and fixture names: keep the numbers and each case's result.
  update public.eval_runs r set report = jsonb_build_object(
      'totals', r.report -> 'totals',
      'cases', coalesce((select jsonb_agg(jsonb_build_object('id', c -> 'id', 'pass', c -> 'pass'))
        from jsonb_array_elements(coalesce(r.report -> 'cases', '[]'::jsonb)) c), '[]'::jsonb),
      'transcripts_removed_at', now())
  where r.id = any(array(select x.id from public.eval_runs x
    where x.finished_at < public.retention_cutoff('retention_eval_days', 30)
      and not x.report ? 'transcripts_removed_at'
    limit p_batch));
  get diagnostics n_evals = row_count;

  -- pg_cron keeps every run forever. Only the job's owner (postgres) may delete its history; a
  -- caller without the right (service_role running this by hand) skips it.
  if has_schema_privilege('cron', 'usage') then
    if has_table_privilege('cron.job_run_details', 'delete') then
      delete from cron.job_run_details d
      where d.end_time < public.retention_cutoff('retention_cron_history_days', 14);
      get diagnostics n_cron = row_count;
    end if;
  end if;

  return jsonb_build_object('messages', n_messages, 'status_events', n_status, 'whatsapp_events', n_events,
    'webhook_payloads', n_raw, 'profiles', n_profiles, 'tool_calls', n_tools, 'eval_runs', n_evals,
    'cron_runs', n_cron);
end;
$$;
comment on function public.prune_personal_data(integer) is 'Strips personal data older than the retention_* settings (at most p_batch rows per table and run): message bodies and payloads, raw webhook bodies, profile names, tool-call arguments and outputs, eval transcripts, pg_cron run history. Returns the rows changed per kind.';

create sequence if not exists public.erased_person_seq;
comment on sequence public.erased_person_seq is 'Numbers the placeholders erase_person() gives anonymised customers and operators (+999..., a reserved country code).';

create or replace function public.erase_person(p_msisdn text) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  digits text := ltrim(p_msisdn, '+');
  national text := substr(ltrim(p_msisdn, '+'), 4);
  conv_ids uuid[];
  turn_ids uuid[];
  n_conversations bigint;
  n_messages bigint;
  n_tools bigint;
  n_status bigint;
  n_events bigint;
  n_raw bigint := 0;
  raw_table regclass := to_regclass('public.webhook_payloads');
  n_vouchers bigint := 0;
  cust_id uuid;
  customer_erased boolean;
  operator_erased boolean;
  raw_type text;
begin
  if p_msisdn is null or p_msisdn !~ '^\+[1-9][0-9]{7,14}$' then
    raise exception using errcode = 'PT400', message = 'Cannot erase person: give the number in E.164 form (+2507...)',
      detail = 'invalid_msisdn';
  end if;
  select coalesce(array_agg(c.id), '{}') into conv_ids from public.conversations c where c.wa_id = digits;

  -- Elsewhere (an operator who looked this person up): the turns whose tool calls returned their
  -- number, with the messages of those turns, and any message that quotes the number.
  select coalesce(array_agg(distinct t.message_id) filter (where t.message_id is not null), '{}') into turn_ids
  from public.tool_calls t
  where (t.conversation_id is null or not t.conversation_id = any(conv_ids)) and strpos(t.output::text, p_msisdn) > 0;
  update public.tool_calls t set arguments = '{}'::jsonb, output = '{"removed": "erasure"}'::jsonb
  where (t.conversation_id is null or not t.conversation_id = any(conv_ids)) and strpos(t.output::text, p_msisdn) > 0;
  get diagnostics n_tools = row_count;
  update public.messages m set body = null, payload = '{}'::jsonb
  where not m.conversation_id = any(conv_ids)
    and (m.id = any(turn_ids) or m.in_reply_to = any(turn_ids)
      or strpos(m.body, national) > 0 or strpos(m.payload::text, digits) > 0);
  get diagnostics n_messages = row_count;

  delete from public.message_status_events s
  where s.wa_message_id in (select m.wa_message_id from public.messages m
      where m.conversation_id = any(conv_ids) and m.wa_message_id is not null)
    or strpos(s.payload::text, digits) > 0;
  get diagnostics n_status = row_count;
  delete from public.whatsapp_events e where strpos(e.payload::text, digits) > 0;
  get diagnostics n_events = row_count;
  if raw_table is not null then
    select format_type(a.atttypid, a.atttypmod) into raw_type from pg_catalog.pg_attribute a
    where a.attrelid = raw_table and a.attname = 'body';
    -- On bytes, a byte search: a body that is not UTF-8 (stored all the same) must not fail the erasure.
    execute format('delete from %s w where %s', raw_table,
      case raw_type when 'bytea' then 'position(convert_to($1, ''UTF8'') in w.body) > 0'
        else 'strpos(w.body::text, $1) > 0' end) using digits;
    get diagnostics n_raw = row_count;
  end if;

  -- Their own conversations go whole: messages and tool calls cascade, model calls lose the link.
  select n_messages + count(*) into n_messages from public.messages m where m.conversation_id = any(conv_ids);
  select n_tools + count(*) into n_tools from public.tool_calls t where t.conversation_id = any(conv_ids);
  delete from public.conversations c where c.id = any(conv_ids);
  get diagnostics n_conversations = row_count;

  -- The vouchers stay, with their amounts, status and dates: the customer row is anonymised.
  update public.customers c set msisdn = '+999' || lpad(nextval('public.erased_person_seq')::text, 11, '0'),
    name = 'Erased customer'
  where c.msisdn = p_msisdn
  returning c.id into cust_id;
  customer_erased := cust_id is not null;
  select count(*) into n_vouchers from public.vouchers v where v.customer_id = cust_id;
  update public.operators o set msisdn = '+999' || lpad(nextval('public.erased_person_seq')::text, 11, '0'),
    name = 'Erased operator', active = false
  where o.msisdn = p_msisdn;
  operator_erased := found;

  return jsonb_build_object('customer_anonymised', customer_erased, 'operator_anonymised', operator_erased,
    'vouchers_kept', n_vouchers, 'conversations_deleted', n_conversations, 'messages', n_messages,
    'tool_calls', n_tools, 'status_events_deleted', n_status, 'whatsapp_events_deleted', n_events,
    'webhook_payloads_deleted', n_raw);
end;
$$;
comment on function public.erase_person(text) is 'Erasure on request: deletes the conversations of the number (messages, tool calls), strips other turns and events that quote it, anonymises the customer and operator rows (+999..., "Erased customer") so vouchers keep their financial record. Returns what it did.';

revoke execute on function public.retention_cutoff(text, integer), public.prune_personal_data(integer),
  public.erase_person(text) from public, anon, authenticated;
grant execute on function public.retention_cutoff(text, integer), public.prune_personal_data(integer),
  public.erase_person(text) to service_role;
revoke all on sequence public.erased_person_seq from public, anon, authenticated;
grant usage, select on sequence public.erased_person_seq to service_role;

select cron.schedule('prune-personal-data', '13 * * * *', $$select public.prune_personal_data()$$);
