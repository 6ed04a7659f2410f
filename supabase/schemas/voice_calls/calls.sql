-- Voice calls through OpenAI's SIP interface (voice-call): each call offered by a realtime.call.incoming
-- webhook, what was decided (accept, refer to the human line, reject) and why, and how the answer to
-- OpenAI went. The row is keyed by the call and the webhook delivery, so a redelivery decides nothing
-- twice. It holds no phone number: the customer, when the caller's number matched one.

insert into public.app_settings (key, value, description) values
  ('voice_model', '"gpt-realtime"', 'The realtime model that answers voice calls.'),
  ('voice_voice', '"marin"', 'The voice the realtime model speaks with on calls.'),
  ('voice_max_output_tokens', '1024', 'The session''s limit on one spoken answer, in tokens (1-4096, or "inf"): keeps answers short and a call''s cost bounded.'),
  ('voice_human_line_uri', '""', 'Where a call goes when the assistant does not take it (switched off, busy, closed): a SIP or tel URI such as "tel:+250788000000"; empty: the call is rejected.'),
  ('voice_max_concurrent_calls', '10', 'Calls the assistant takes at once; a call beyond goes to the human line (or is rejected).'),
  ('voice_open_hour', '0', 'Hour (Kigali time, 0-23) from which the assistant takes calls.'),
  ('voice_close_hour', '24', 'Hour (Kigali time, 1-24) at which the assistant stops taking calls; 24: midnight (with voice_open_hour 0: always open).')
on conflict (key) do nothing;

create table if not exists public.voice_calls (
  id bigint generated always as identity primary key,
  call_id text not null unique check (length(call_id) between 1 and 200),
  webhook_id text not null unique check (length(webhook_id) between 1 and 200),
  customer_id uuid references public.customers (id) on delete set null,
  decision text not null check (decision in ('accept', 'refer', 'reject')),
  reason text check (reason in ('switched_off', 'closed', 'busy')),
  outcome text not null default 'pending' check (outcome in ('pending', 'done', 'failed')),
  accept_latency_ms integer check (accept_latency_ms >= 0),
  started_at timestamptz not null default now(),
  decided_at timestamptz not null default now(),
  ended_at timestamptz,
  end_reason text,
  failures integer not null default 0 check (failures >= 0),
  transfer text check (transfer in ('referred', 'followed_up')),
  transferred_at timestamptz,
  whatsapp_at timestamptz
);
comment on table public.voice_calls is 'Voice calls OpenAI offered (realtime.call.incoming): the decision, its reason and outcome. No number: the customer when the caller matched one.';
comment on column public.voice_calls.outcome is 'pending: the answer to OpenAI is under way; done: OpenAI took it; failed: it did not, and a redelivery of the webhook may try again.';
comment on column public.voice_calls.failures is 'Answers to OpenAI (accept, refer, reject) that failed for this call, each counted once (voucher_voice_call_answer_failures_total).';
comment on column public.voice_calls.transfer is 'The caller asked for a person (transfer_to_human, voice_call_transfer): referred to the human line, or followed_up (no line, or the refer failed: a WhatsApp message, a handoff and a staff alert). Set once per call.';
comment on column public.voice_calls.whatsapp_at is 'When an unknown caller accepted the offer of a WhatsApp message (voucher-mcp send_whatsapp_message, voice_call_whatsapp): set once per call, so a spoofed number gets one message at most.';
comment on column public.voice_calls.accept_latency_ms is 'Milliseconds from the webhook''s arrival to OpenAI''s answer to the accept, refer or reject.';
create index if not exists voice_calls_started_at_idx on public.voice_calls (started_at);
create index if not exists voice_calls_customer_id_idx on public.voice_calls (customer_id);
alter table public.voice_calls enable row level security;
revoke all on public.voice_calls from anon, authenticated, public;
grant select, insert, update, delete on public.voice_calls to service_role;

-- What a caller we did not help on the call reads on WhatsApp: a missed call (voice_call_offer), or an
-- unknown caller who accepted the offer of a message (voice_call_whatsapp). Kinyarwanda by default.
create or replace function public.voice_call_missed_text(p_language text, p_answered boolean)
returns text
language sql immutable security invoker set search_path = '' as $$
  select case when p_answered then case p_language
      when 'en' then 'You called us: write to us here and we will help you.'
      when 'sw' then 'Ulitupigia simu: tuandikie hapa tutakusaidia.'
      when 'fr' then 'Vous nous avez appelés : écrivez-nous ici et nous vous aiderons.'
      else 'Mwaduhamagaye: mutwandikire hano tubafashe.' end
    else case p_language
      when 'en' then 'Sorry we missed your call. Write to us here and we will help you.'
      when 'sw' then 'Samahani hatukupokea simu yako. Tuandikie hapa tutakusaidia.'
      when 'fr' then 'Désolés d''avoir manqué votre appel. Écrivez-nous ici et nous vous aiderons.'
      else 'Twihanganire ko tutabashije kwitaba. Mutwandikire hano tubafashe.' end
  end
$$;
comment on function public.voice_call_missed_text(text, boolean) is 'The WhatsApp text inviting a caller to write, in their language (rw by default): p_answered false for a missed call (voice_call_offer), true for an unknown caller who asked for it on the call (voice_call_whatsapp).';
revoke execute on function public.voice_call_missed_text(text, boolean) from public, anon, authenticated;
grant execute on function public.voice_call_missed_text(text, boolean) to service_role;

create or replace function public.voice_call_offer(
  p_webhook_id text, p_call_id text, p_enabled boolean, p_msisdn text default null
) returns jsonb
language plpgsql volatile security invoker set search_path = '' set statement_timeout = '4s' as $$
declare
  existing public.voice_calls;
  cust record;
  kigali_hour integer := extract(hour from now() at time zone 'Africa/Kigali')::integer;
  open_hour integer := public.app_setting('voice_open_hour', 0);
  close_hour integer := public.app_setting('voice_close_hour', 24);
  line text := nullif(btrim((select s.value #>> '{}' from public.app_settings s where s.key = 'voice_human_line_uri')), '');
  why text;
  chosen text;
  caller_wa text := ltrim(p_msisdn, '+');
begin
  -- One offer decides at a time, so the cap counts every call being accepted.
  perform pg_advisory_xact_lock(hashtext('public.voice_calls'));
  select * into existing from public.voice_calls c
    where c.call_id = p_call_id or c.webhook_id = p_webhook_id limit 1 for update;
  -- A redelivery repeats nothing, unless the answer to OpenAI failed or its worker vanished.
  if found and not (existing.outcome = 'failed'
      or (existing.outcome = 'pending' and existing.decided_at < now() - interval '30 seconds')) then
    return jsonb_build_object('duplicate', true, 'decision', existing.decision, 'outcome', existing.outcome);
  end if;
  select c.id, c.preferred_language into cust from public.customers c
    where p_msisdn is not null and c.msisdn = p_msisdn;
  why := case
    when not p_enabled then 'switched_off'
    when not (kigali_hour >= open_hour and kigali_hour < close_hour) then 'closed'
    when (select count(*) from public.voice_calls c where c.decision = 'accept' and c.outcome <> 'failed'
      and c.ended_at is null and c.started_at > now() - interval '60 minutes' and c.call_id <> p_call_id)
      >= public.app_setting('voice_max_concurrent_calls', 10) then 'busy'
  end;
  chosen := case when why is null then 'accept' when line is not null then 'refer' else 'reject' end;
  if existing.id is null then
    insert into public.voice_calls (call_id, webhook_id, customer_id, decision, reason)
    values (p_call_id, p_webhook_id, cust.id, chosen, why);
    -- A missed caller who uses WhatsApp hears from us there (opt-outs and the window respected).
    if chosen <> 'accept' and caller_wa ~ '^[0-9]{6,20}$' and (cust.id is not null
        or exists (select 1 from public.conversations v where v.wa_id = caller_wa)) then
      perform public.whatsapp_enqueue_notification(caller_wa, 'missed_call',
        public.voice_call_missed_text(coalesce(cust.preferred_language, 'rw'), false));
    end if;
  else
    update public.voice_calls c set decision = chosen, reason = why, outcome = 'pending', decided_at = now()
      where c.id = existing.id;
  end if;
  return jsonb_build_object('duplicate', false, 'decision', chosen, 'reason', why, 'target_uri', line,
    'customer_id', cust.id, 'language', coalesce(cust.preferred_language, 'rw'),
    'model', coalesce((select s.value #>> '{}' from public.app_settings s where s.key = 'voice_model'), 'gpt-realtime'),
    'voice', coalesce((select s.value #>> '{}' from public.app_settings s where s.key = 'voice_voice'), 'marin'),
    'max_output_tokens', coalesce((select s.value from public.app_settings s where s.key = 'voice_max_output_tokens'),
      '1024'::jsonb));
end;
$$;
comment on function public.voice_call_offer(text, text, boolean, text) is 'Decides a call OpenAI offered (accept, refer, reject; switched off, closed, busy), once per call and webhook delivery, and queues a missed caller''s WhatsApp message; a redelivery answers duplicate unless the last answer to OpenAI failed.';
revoke execute on function public.voice_call_offer(text, text, boolean, text) from public, anon, authenticated;
grant execute on function public.voice_call_offer(text, text, boolean, text) to service_role;

create or replace function public.voice_call_answered(p_call_id text, p_ok boolean, p_latency_ms integer)
returns void
language sql volatile security invoker set search_path = '' set statement_timeout = '4s' as $$
  update public.voice_calls c set outcome = case when p_ok then 'done' else 'failed' end,
    accept_latency_ms = greatest(p_latency_ms, 0), failures = c.failures + case when p_ok then 0 else 1 end
  where c.call_id = p_call_id
$$;
comment on function public.voice_call_answered(text, boolean, integer) is 'Records how OpenAI took the answer to a call (accept, refer or reject) and how long it took.';
revoke execute on function public.voice_call_answered(text, boolean, integer) from public, anon, authenticated;
grant execute on function public.voice_call_answered(text, boolean, integer) to service_role;

create or replace function public.voice_call_series() returns table (
  series text, key text, code text, bucket integer, n bigint, total double precision
)
language sql stable security invoker set search_path = '' as $$
  select 'call'::text, c.decision, 'done'::text,
    public.metric_bucket(c.accept_latency_ms::double precision / 1000), count(*)::bigint,
    sum(c.accept_latency_ms)::double precision / 1000
  from public.voice_calls c where c.outcome = 'done' group by 2, 4
  union all
  select 'call_failures', c.decision, '', 0, sum(c.failures)::bigint, 0
  from public.voice_calls c where c.failures > 0 group by 2
$$;
comment on function public.voice_call_series() is 'The voice calls'' cumulative series for metrics_totals(): call (decision, done; the answer''s latency) and call_failures (decision; answers OpenAI did not take). Each only grows: done is final, failures are counted.';
revoke execute on function public.voice_call_series() from public, anon, authenticated;
grant execute on function public.voice_call_series() to service_role;
