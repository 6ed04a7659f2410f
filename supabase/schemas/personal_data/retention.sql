-- Personal data has a lifetime. Retention periods live in app_settings (ops change them without a
-- deploy); prune_personal_data() strips what has outlived them and runs hourly by pg_cron in bounded
-- batches, so a first run on a big table catches up over a few hours instead of holding one long
-- transaction. Partial indexes (with each table) hold only the rows still to strip, so each run costs
-- what it strips, not the table's size.

create or replace function public.retention_cutoff(p_key text, p_default integer) returns timestamptz
language sql stable security invoker set search_path = '' as $$
  select now() - make_interval(days => greatest(public.app_setting(p_key, p_default), 1))
$$;
comment on function public.retention_cutoff(text, integer) is 'now() minus the retention period app_settings holds under p_key (in days, at least 1), or p_default.';
revoke execute on function public.retention_cutoff(text, integer) from public, anon, authenticated;
grant execute on function public.retention_cutoff(text, integer) to service_role;

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
  n_actions bigint;
  n_reasons bigint;
  n_handoffs bigint;
  keep text[] := array['kind', 'status', 'amount_rwf', 'code', 'needs_approval', 'created', 'created_at',
    'redeemed_at', 'voided_at', 'error', 'error_code', 'replayed'];
begin
  -- template holds the text again as the notification's parameter (receipts' codes, names in alerts).
  update public.messages m set body = null, payload = '{}'::jsonb, template = null
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

  -- A handoff's reason (from the customer's turn) goes with the profile once the conversation is back
  -- with the bot.
  update public.conversations c set profile_name = null, username = null,
    state_reason = case when c.state = 'bot' then null else c.state_reason end
  where c.id = any(array(select x.id from public.conversations x
    where coalesce(x.last_inbound_at, x.created_at) < public.retention_cutoff('retention_profile_days', 90)
      and (x.profile_name is not null or x.username is not null)
    limit p_batch));
  get diagnostics n_profiles = row_count;

  -- Records that stay (the operators' actions, the vouchers' history, the handoffs) lose their free
  -- text and the customer's number and name after the message period: an action keeps its kind,
  -- status, amount, code and who and when.
  update public.pending_actions a set args = public.personal_data_keep(a.args, keep) || '{"removed": "retention"}'::jsonb,
    result = public.personal_data_keep(a.result, keep), intent = a.kind || ':' || a.id
  where a.id = any(array(select x.id from public.pending_actions x
    where x.created_at < msg_cut and x.status not in ('pending', 'awaiting_approval') and not x.args ? 'removed'
    order by x.created_at limit p_batch));
  get diagnostics n_actions = row_count;
  update public.vouchers v set void_reason = 'removed by retention'
  where v.id = any(array(select x.id from public.vouchers x
    where x.status = 'void' and x.voided_at < msg_cut and x.void_reason <> 'removed by retention'
    order by x.voided_at limit p_batch));
  get diagnostics n_reasons = row_count;
  update public.handoffs h set reason = 'removed by retention',
    return_reason = case when h.return_reason is null then null else 'removed by retention' end
  where h.id = any(array(select x.id from public.handoffs x
    where x.started_at < msg_cut and x.reason <> 'removed by retention' order by x.started_at limit p_batch));
  get diagnostics n_handoffs = row_count;

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
    'cron_runs', n_cron, 'pending_actions', n_actions, 'void_reasons', n_reasons, 'handoffs', n_handoffs);
end;
$$;
comment on function public.prune_personal_data(integer) is 'Strips personal data older than the retention_* settings (at most p_batch rows per table and run): message bodies, payloads and templates, raw webhook bodies, profile names and handoff reasons, the arguments and results of decided actions, void reasons, tool-call arguments and outputs, eval transcripts, pg_cron run history. Returns the rows changed per kind.';
revoke execute on function public.prune_personal_data(integer) from public, anon, authenticated;
grant execute on function public.prune_personal_data(integer) to service_role;

select cron.schedule('prune-personal-data', '13 * * * *', $$select public.prune_personal_data()$$);
