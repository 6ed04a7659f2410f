-- A voice caller who asks for a person (voucher-mcp's transfer_to_human, issue 17 §2): voice_calls
-- records, once per call, whether the call was referred to the human line or followed up on WhatsApp
-- (transfer), and when (transferred_at). Written by hand: db:diff does not generate column changes.
alter table public.voice_calls add column if not exists transfer text;
alter table public.voice_calls add column if not exists transferred_at timestamptz;
do $$
begin
  if not exists (select 1 from pg_constraint where conname = 'voice_calls_transfer_check') then
    alter table public.voice_calls add constraint voice_calls_transfer_check
      check (transfer in ('referred', 'followed_up'));
  end if;
end;
$$;
comment on column public.voice_calls.transfer is 'The caller asked for a person (transfer_to_human, voice_call_transfer): referred to the human line, or followed_up (no line, or the refer failed: a WhatsApp message, a handoff and a staff alert). Set once per call.';
