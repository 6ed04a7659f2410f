-- pg_cron maintenance, scheduled by name so a re-run updates the job instead of adding one.
-- Times are UTC: 23:47 and 00:17 UTC are 01:47 and 02:17 in Kigali, the quietest hours.

create extension if not exists pg_cron with schema pg_catalog;
grant usage on schema cron to postgres;

select cron.schedule('prune-request-log', '47 23 * * *', $$select public.prune_request_log()$$);
select cron.schedule('vacuum-analyze-hot-tables', '17 0 * * *',
  $$vacuum analyze public.customers, public.vouchers, public.request_log$$);
