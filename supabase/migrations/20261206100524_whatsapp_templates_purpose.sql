-- Each business-started message names its own template: whatsapp_templates gains the purpose
-- (messages.purpose) a template carries; null is the default template (whatsapp_notification_template)
-- that a purpose without its own goes as. The seed rows, index and functions follow in the next
-- migration, generated from supabase/schemas.
alter table public.whatsapp_templates add column if not exists purpose text
  constraint whatsapp_templates_purpose_check check (purpose ~ '^[a-z][a-z_]{0,39}$');
