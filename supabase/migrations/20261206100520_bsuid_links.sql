-- Identity is BSUID-first (issue 16 §4): a customer's and an operator's WhatsApp business-scoped user
-- id (BSUID), so that a person Meta names without a phone number is served as who they are. A
-- customer's is learned from Meta or set by an admin; an operator's only by an admin. Nullable and
-- unique: nobody has one until Meta or an admin gives it.

alter table public.customers add column if not exists user_id text unique check (length(user_id) between 3 and 160);
comment on column public.customers.user_id is 'The customer''s WhatsApp business-scoped user id (BSUID): learned when Meta sends it with their number, or set by an admin (link_customer_user_id); a sender known by it alone is this customer.';

alter table public.operators add column if not exists user_id text unique check (length(user_id) between 3 and 160);
comment on column public.operators.user_id is 'The operator''s WhatsApp business-scoped user id (BSUID), set only by an admin (link_operator_user_id), never learned from a webhook: a sender known by it alone is this operator.';
