-- Personal data really goes (issue 15, section 8): prune_personal_data() and erase_person() now strip
-- a message's template with its body, since the template holds the text again as the notification's
-- parameter (receipts' codes, names in staff alerts and approval requests). Rows they stripped before
-- kept their template: an outbound message whose body is gone loses it now. Only stripping leaves a
-- message without a body while a template names its text, so nothing else is touched. Re-runs safely.
update public.messages m set template = null
where m.body is null and m.payload = '{}'::jsonb and m.template is not null;
