-- An unknown voice caller who asks for a WhatsApp message on the call (voucher-mcp's
-- send_whatsapp_message, issue 17 §1): voice_calls records when, once per call (whatsapp_at).
-- Written by hand: db:diff does not generate column changes.
alter table public.voice_calls add column if not exists whatsapp_at timestamptz;
comment on column public.voice_calls.whatsapp_at is 'When an unknown caller accepted the offer of a WhatsApp message (voucher-mcp send_whatsapp_message, voice_call_whatsapp): set once per call, so a spoofed number gets one message at most.';
