-- voucher-mcp's tool calls: audited in tool_calls like the chat's, with their channel and the voice
-- call they belong to, and counted as a series of their own (mcp: tool, ok or error) by
-- metrics_totals, through the roll-up and the fold of deleted rows alike.
begin;
create extension if not exists pgtap with schema extensions;
select plan(8);

set local role service_role;
select public.agent_record_tool_call('x1', 'lookup_customer', 'customer', true, 12,
  p_channel => 'mcp', p_voice_call_id => 'rtc_073');
select public.agent_record_tool_call('x2', 'list_vouchers', 'customer', false, 30,
  p_error_code => 'invalid_arguments', p_channel => 'mcp', p_voice_call_id => 'rtc_073');
select public.agent_record_tool_call('x3', 'lookup_customer', 'operator', true, 8, p_channel => 'mcp');
select public.agent_record_tool_call('x4', 'lookup_customer', 'customer', true, 5);

select results_eq($$select tool, success, channel from public.tool_calls where voice_call_id = 'rtc_073' order by call_id$$,
  $$values ('lookup_customer', true, 'mcp'), ('list_vouchers', false, 'mcp')$$,
  'a call''s MCP tool calls are recorded with the voice call they belong to');
select is((select channel from public.tool_calls where call_id = 'x4'), 'chat', 'the chat''s calls stay channel chat');
select is((select voice_call_id from public.tool_calls where call_id = 'x3'), null, 'an agent''s call belongs to no voice call');
select throws_ok($$insert into public.tool_calls (call_id, tool, caller_role, success, latency_ms, channel)
  values ('x5', 'lookup_customer', 'customer', true, 1, 'sms')$$, '23514', null, 'a channel is chat or mcp');

create temp table mcp_series as
select s ->> 1 as tool, s ->> 2 as outcome, sum((s ->> 4)::bigint) as n
from jsonb_array_elements(public.metrics_totals() -> 'series') s where s ->> 0 = 'mcp' group by 1, 2;
select results_eq($$select tool, outcome, n::int from mcp_series order by tool, outcome$$,
  $$values ('list_vouchers', 'error', 1), ('lookup_customer', 'ok', 2)$$,
  'the mcp series counts voucher-mcp''s calls by tool and outcome, and not the chat''s');
select is((select sum((s ->> 4)::bigint)::int from jsonb_array_elements(public.metrics_totals() -> 'series') s
  where s ->> 0 = 'tool' and s ->> 1 = 'lookup_customer'), 3, 'the tool series still counts every call');

-- Deleted before a roll: the fold keeps counting them.
delete from public.tool_calls where call_id in ('x1', 'x2', 'x3');
select is((select sum((s ->> 4)::bigint)::int from jsonb_array_elements(public.metrics_totals() -> 'series') s
  where s ->> 0 = 'mcp'), 3, 'deleted MCP calls still count (folded)');
select is((select sum(f.n)::int from public.metric_folds f where f.series = 'mcp'), 3, 'folded as the mcp series');

select * from finish();
rollback;
