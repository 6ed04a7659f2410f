-- Issue 16: operators have a language of their own (en, fr, rw or sw), so that their buttons (Confirm
-- and Cancel, Approve and Decline, the operator menu) and replies follow it; null keeps what was done
-- before: their customer record's language, else English.
alter table public.operators add column if not exists preferred_language text
  check (preferred_language in ('en', 'fr', 'rw', 'sw'));
comment on column public.operators.preferred_language is 'en, fr, rw or sw: the language of the operator''s buttons and replies; null: their customer record''s, else English (person_language).';
