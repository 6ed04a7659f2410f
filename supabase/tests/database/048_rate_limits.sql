-- tool-lookup-customer's allowance per key, counted in Postgres so it holds across isolates: a burst of
-- app_settings.tool_lookup_per_minute calls, then refusals with the seconds to wait; each key its own.
begin;
create extension if not exists pgtap with schema extensions;
select plan(7);

\ir _helpers.psql

set local role service_role;
insert into public.app_settings (key, value, description) values ('tool_lookup_per_minute', '3', 'test')
  on conflict (key) do update set value = '3';
select is((select array_agg((public.tool_lookup_take('aaaaaaaaaaaa') ->> 'allowed')::boolean) from generate_series(1, 3)),
  array[true, true, true], 'three calls a minute go ahead');
insert into results select 'fourth', public.tool_lookup_take('aaaaaaaaaaaa');
select is((select j ->> 'allowed' from results where name = 'fourth'), 'false', 'the fourth is refused');
select ok((select (j ->> 'retry_after_seconds')::integer between 1 and 20 from results where name = 'fourth'),
  'with the seconds until one call''s share of the minute is back (60 / 3 = 20 at most)');
select is((select (j ->> 'limit')::integer from results where name = 'fourth'), 3, 'and the limit');
select is(public.tool_lookup_take('bbbbbbbbbbbb') ->> 'allowed', 'true', 'another key has its own allowance');
update public.rate_limits set tat = now() - interval '1 second' where bucket = 'tool-lookup-customer:aaaaaaaaaaaa';
select is(public.tool_lookup_take('aaaaaaaaaaaa') ->> 'allowed', 'true', 'a minute later the allowance is whole again');
delete from public.app_settings where key = 'tool_lookup_per_minute';
select is(public.rate_limit_take('x', null) ->> 'limit', '1', 'a missing limit counts as one a minute, never unlimited');

select * from finish();
rollback;
