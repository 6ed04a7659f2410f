-- voucher-mcp (issue 17) runs the chat's tools for voice calls and other agents: each call is audited
-- in tool_calls like the chat's, with where it came from (channel) and the voice call it was made
-- during (voice_call_id), so metrics can count MCP calls and a call's tools can be read back.
alter table public.tool_calls add column if not exists channel text not null default 'chat';
alter table public.tool_calls add column if not exists voice_call_id text;
do $$
begin
  if not exists (select 1 from pg_constraint where conname = 'tool_calls_channel_check') then
    alter table public.tool_calls add constraint tool_calls_channel_check check (channel in ('chat', 'mcp'));
  end if;
end;
$$;
-- Metrics count voucher-mcp's tool calls as a series of their own (ops/metrics.sql).
alter table public.metric_folds drop constraint if exists metric_folds_series_check;
alter table public.metric_folds add constraint metric_folds_series_check
  check (series in ('request', 'tool', 'model', 'tokens', 'whatsapp', 'mcp'));
