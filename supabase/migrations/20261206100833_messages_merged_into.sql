-- Issue 16 §4, Meta's pair rate limit (131056): what waits for one person is sent as one text where it
-- can. Each row carried by another's send links to it (merged_into) and follows its outcome: it has no
-- wamid of its own (wa_message_id is unique). Existing rows were each sent alone: null.
alter table public.messages add column if not exists merged_into uuid references public.messages (id) on delete set null;
comment on column public.messages.merged_into is 'Outbound: the row whose send carried this one''s text (merged while they waited for Meta''s pair rate limit); this row follows its outcome and has no wamid of its own.';
create index if not exists messages_merged_into_idx on public.messages (merged_into) where merged_into is not null;
