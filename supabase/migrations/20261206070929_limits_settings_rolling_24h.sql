-- The operators' limits count a rolling 24 hours and, for the approval threshold, what one operator gives
-- one customer (issue 15, section 4). The settings' rows were made with insert ... on conflict do nothing,
-- which keeps an existing row: their descriptions are brought up to date here, their values left as ops
-- set them. Re-runs safely.
update public.app_settings set description = 'RWF one operator may issue in any rolling 24 hours, approved vouchers included.'
where key = 'operator_daily_cap_rwf';
update public.app_settings set description = 'When what one operator issues (redeems, voids) for one customer in a rolling 24 hours, open proposals included, goes above this amount, a second operator who is not the customer approves it.'
where key = 'voucher_approval_threshold_rwf';
update public.app_settings set description = 'Health says degraded while an active operator has issued this share of their daily cap in the last 24 hours.'
where key = 'operator_alarm_cap_share';
