-- Nightly vacuum and analyze of the tables that change most. Times are UTC: 00:17 UTC is 02:17 in
-- Kigali, the quietest hours.

select cron.schedule('vacuum-analyze-hot-tables', '17 0 * * *',
  $$vacuum analyze public.customers, public.vouchers, public.request_log, public.conversations, public.messages, public.message_status_events$$);
