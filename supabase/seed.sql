-- Local development seed: 50 customers, 4 operators (one inactive) and vouchers in every status.
-- Loaded by `supabase db reset` / `supabase start` (config.toml [db.seed]) and by ./scripts/dev into a
-- new database. Deterministic apart from timestamps, which are relative to now() and spread over the
-- last 90 days. Idempotent: rows are matched on msisdn and code and never overwritten, so loading it
-- twice is harmless. Never load it into production.
--
-- Every number is +25070 and 7 digits (national 070...): Rwanda has no range reserved for fiction,
-- and mobile numbers are allocated only in 072, 073, 077, 078 and 079 (RURA's plan, as
-- libphonenumber records it: 7[237-9]), so 070 reaches no subscriber while still passing the app's
-- Rwandan-mobile check. The evals draw theirs from 071, so their leftovers never touch the seed.
--
-- Numbers to try:
--   operators  +250708000001 Aline Uwase, +250708000002 Eric Mugisha, +250708000004 Divine Ingabire
--              (active); +250708000003 Jean Bosco Hakizimana (inactive: every call gets operator_required)
--   customer   +250708123456 Jean Claude Niyonzima (rw) holds
--              K7QX-M3PA issued 5000, R4TW-9HNE issued 10000, P8DZ-6KVB redeemed 2000,
--              X2FG-5YMJ void 20000 (Wrong amount entered), H3NC-W8RT redeemed 50000
-- Seeded vouchers carry idempotency keys seed-001, seed-002, ...: create_voucher callers must use others.

-- operators ---------------------------------------------------------------------------
insert into public.operators (msisdn, name, active, created_at, updated_at)
select o.msisdn, o.name, o.active, now() - o.joined_ago, now() - coalesce(o.changed_ago, o.joined_ago)
from (values
  ('+250708000001', 'Aline Uwase', true, interval '180 days', null::interval),
  ('+250708000002', 'Eric Mugisha', true, interval '150 days', null::interval),
  ('+250708000003', 'Jean Bosco Hakizimana', false, interval '200 days', interval '58 days'),
  ('+250708000004', 'Divine Ingabire', true, interval '35 days', null::interval)
) as o (msisdn, name, active, joined_ago, changed_ago)
on conflict (msisdn) do nothing;

-- customers ---------------------------------------------------------------------------
insert into public.customers (msisdn, name, preferred_language, created_at, updated_at)
select c.msisdn, c.name, c.preferred_language, now() - c.joined_ago::interval, now() - c.joined_ago::interval
from (values
  ('+250708123456', 'Jean Claude Niyonzima', 'rw', '93 days 04:07'),
  ('+250707091453', 'Aline Mukamana', 'rw', '95 days 06:50'),
  ('+250704165382', 'Eric Habimana', 'en', '86 days 18:39'),
  ('+250709665537', 'Divine Uwase', 'rw', '48 days 18:43'),
  ('+250709315964', 'Olivier Nshimiyimana', 'fr', '115 days 13:07'),
  ('+250705406402', 'Claudine Ingabire', 'rw', '80 days 11:21'),
  ('+250705222395', 'Patrick Hakizimana', 'rw', '89 days 16:05'),
  ('+250709569976', 'Grace Uwimana', 'en', '27 days 18:12'),
  ('+250706807299', 'Emmanuel Mugisha', 'rw', '89 days 09:32'),
  ('+250708388164', 'Josiane Umutoni', 'rw', '90 days 11:44'),
  ('+250707176956', 'Jean de Dieu Ndayisaba', 'rw', '115 days 08:31'),
  ('+250701444254', 'Vestine Nyiraneza', 'rw', '74 days 02:44'),
  ('+250709923538', 'Innocent Bizimana', 'rw', '75 days 15:05'),
  ('+250708364072', 'Chantal Mukeshimana', 'fr', '13 days 12:51'),
  ('+250705686410', 'Fabrice Ishimwe', 'rw', '59 days 15:09'),
  ('+250709908526', 'Solange Uwamahoro', 'rw', '83 days 12:30'),
  ('+250707311249', 'Théogène Nsengiyumva', 'rw', '87 days 02:41'),
  ('+250700097080', 'Espérance Mukandayisenga', 'rw', '54 days 06:59'),
  ('+250704283821', 'Samuel Tuyishime', 'en', '48 days 13:49'),
  ('+250707454005', 'Clarisse Iradukunda', 'rw', '87 days 02:06'),
  ('+250708408754', 'Jean Paul Munyaneza', 'fr', '20 days 11:02'),
  ('+250701415672', 'Diane Umuhoza', 'rw', '91 days 04:05'),
  ('+250705179839', 'Alexis Niyitegeka', 'rw', '88 days 11:37'),
  ('+250700480728', 'Sandrine Uwera', 'fr', '102 days 06:31'),
  ('+250706137274', 'Kevin Manzi', 'en', '56 days 23:29'),
  ('+250703824674', 'Immaculée Nyirahabimana', 'rw', '92 days 15:49'),
  ('+250708592934', 'Yves Kwizera', 'rw', '54 days 18:38'),
  ('+250702384762', 'Ange Keza', 'rw', '110 days 10:07'),
  ('+250709363305', 'Félicien Twagirayezu', 'rw', '56 days 15:02'),
  ('+250707526201', 'Béatrice Mukarugwiza', 'rw', '96 days 12:36'),
  ('+250706007291', 'Jean Bosco Nzeyimana', 'rw', '29 days 14:04'),
  ('+250701476622', 'Pacifique Irakoze', 'rw', '50 days 02:09'),
  ('+250701128730', 'Marie Claire Uwingabire', 'fr', '55 days 03:45'),
  ('+250707159879', 'Gilbert Rukundo', 'rw', '87 days 02:38'),
  ('+250702679867', 'Alice Mutesi', 'en', '90 days 06:17'),
  ('+250705701334', 'Christian Ntwari', 'en', '65 days 01:15'),
  ('+250701912040', 'Joselyne Umulisa', 'rw', '78 days 02:00'),
  ('+250705238464', 'Valens Hategekimana', 'rw', '52 days 19:45'),
  ('+250703405691', 'Nadine Uwitonze', 'rw', '54 days 09:54'),
  ('+250700148877', 'Didier Gasana', 'fr', '59 days 03:41'),
  ('+250709160208', 'Belise Isimbi', 'rw', '84 days 03:10'),
  ('+250703472191', 'Aimable Nkurunziza', 'rw', '127 days 03:35'),
  ('+250701788808', 'Liliane Mukamurenzi', 'rw', '44 days 18:58'),
  ('+250705485572', 'Thierry Mugabo', 'en', '107 days 02:53'),
  ('+250708956279', 'Ornella Uwase', 'rw', '69 days 22:50'),
  ('+250702618009', 'Jean Marie Vianney Sibomana', 'rw', '56 days 07:08'),
  ('+250709870258', 'Honorine Nyiransabimana', 'rw', '113 days 13:11'),
  ('+250706575474', 'Juma Habineza', 'sw', '54 days 12:11'),
  ('+250701818788', 'Aisha Uwamariya', 'sw', '124 days 13:05'),
  ('+250705330473', 'Hassan Niyonsaba', 'sw', '41 days 15:46')
) as c (msisdn, name, preferred_language, joined_ago)
on conflict (msisdn) do nothing;

-- vouchers ----------------------------------------------------------------------------
-- created_ago: how long ago the voucher was issued; acted_after: how long after issue acted_by
-- redeemed it (redeemed) or voided it (void). Customers and operators are found by msisdn.
insert into public.vouchers (
  code, customer_id, amount_rwf, status, issued_by, redeemed_by, redeemed_at, voided_by, voided_at,
  void_reason, idempotency_key, created_at, updated_at
)
select
  v.code,
  c.id,
  v.amount_rwf,
  v.status::public.voucher_status,
  issuer.id,
  case when v.status = 'redeemed' then actor.id end,
  case when v.status = 'redeemed' then now() - v.created_ago::interval + v.acted_after::interval end,
  case when v.status = 'void' then actor.id end,
  case when v.status = 'void' then now() - v.created_ago::interval + v.acted_after::interval end,
  v.void_reason,
  v.idempotency_key,
  now() - v.created_ago::interval,
  now() - v.created_ago::interval + coalesce(v.acted_after::interval, interval '0')
from (values
  ('K7QX-M3PA', '+250708123456', 5000, 'issued', '+250708000002', '3 days 04:15', null, null, null, 'seed-001'),
  ('R4TW-9HNE', '+250708123456', 10000, 'issued', '+250708000002', '12 days 09:40', null, null, null, 'seed-002'),
  ('P8DZ-6KVB', '+250708123456', 2000, 'redeemed', '+250708000002', '30 days 02:05', '+250708000001', '2 days 03:20', null, 'seed-003'),
  ('X2FG-5YMJ', '+250708123456', 20000, 'void', '+250708000002', '45 days 06:50', '+250708000001', '0 days 00:25', 'Wrong amount entered', 'seed-004'),
  ('H3NC-W8RT', '+250708123456', 50000, 'redeemed', '+250708000001', '81 days 01:30', '+250708000001', '5 days 07:00', null, 'seed-005'),
  ('RYGE-KGR3', '+250707091453', 20000, 'redeemed', '+250708000002', '66 days 02:04', '+250708000001', '6 days 20:54', null, 'seed-006'),
  ('JRWD-5EPK', '+250704165382', 2000, 'redeemed', '+250708000003', '79 days 19:58', '+250708000002', '11 days 03:37', null, 'seed-007'),
  ('Y3V6-SBK5', '+250704165382', 5000, 'issued', '+250708000001', '1 days 07:01', null, null, null, 'seed-008'),
  ('DAUW-P6P4', '+250709315964', 1000, 'redeemed', '+250708000001', '66 days 14:59', '+250708000002', '9 days 00:31', null, 'seed-009'),
  ('YJ8J-B3KR', '+250709315964', 10000, 'issued', '+250708000001', '82 days 09:23', null, null, null, 'seed-010'),
  ('V5QY-JZCW', '+250705406402', 5000, 'redeemed', '+250708000001', '23 days 22:13', '+250708000001', '11 days 15:56', null, 'seed-011'),
  ('KBSJ-PYXC', '+250705406402', 2000, 'issued', '+250708000001', '56 days 10:06', null, null, null, 'seed-012'),
  ('D3Z4-648X', '+250705222395', 1000, 'void', '+250708000003', '63 days 19:13', '+250708000002', '1 days 15:09', 'Customer cancelled the order', 'seed-013'),
  ('G7B4-9R2A', '+250705222395', 5000, 'redeemed', '+250708000001', '11 days 17:44', '+250708000001', '0 days 01:27', null, 'seed-014'),
  ('UF7U-KNZK', '+250709569976', 5000, 'issued', '+250708000004', '0 days 03:01', null, null, null, 'seed-015'),
  ('U5KS-GZRN', '+250709569976', 50000, 'redeemed', '+250708000002', '18 days 08:03', '+250708000002', '2 days 15:15', null, 'seed-016'),
  ('J5Q8-B3HP', '+250706807299', 1000, 'redeemed', '+250708000002', '79 days 03:49', '+250708000002', '15 days 05:20', null, 'seed-017'),
  ('TBM7-C3ZW', '+250706807299', 5000, 'issued', '+250708000001', '25 days 17:28', null, null, null, 'seed-018'),
  ('AAH6-ACTC', '+250706807299', 20000, 'void', '+250708000002', '59 days 12:58', '+250708000001', '1 days 16:29', 'Issued to the wrong number', 'seed-019'),
  ('ERNT-HQDM', '+250706807299', 10000, 'redeemed', '+250708000003', '77 days 03:21', '+250708000002', '13 days 18:51', null, 'seed-020'),
  ('VWKH-PRVN', '+250708388164', 10000, 'issued', '+250708000002', '40 days 09:20', null, null, null, 'seed-021'),
  ('786Z-JZJZ', '+250708388164', 10000, 'redeemed', '+250708000003', '79 days 03:08', '+250708000003', '10 days 21:48', null, 'seed-022'),
  ('NRG7-A9BM', '+250707176956', 1000, 'redeemed', '+250708000001', '81 days 21:43', '+250708000003', '12 days 13:58', null, 'seed-023'),
  ('4WKK-FYT9', '+250707176956', 5000, 'redeemed', '+250708000002', '55 days 02:57', '+250708000001', '14 days 08:27', null, 'seed-024'),
  ('XZD5-UVZB', '+250707176956', 10000, 'redeemed', '+250708000003', '82 days 04:45', '+250708000003', '1 days 01:33', null, 'seed-025'),
  ('C2P8-W5UU', '+250701444254', 2000, 'issued', '+250708000004', '4 days 20:05', null, null, null, 'seed-026'),
  ('K382-AUBM', '+250701444254', 5000, 'issued', '+250708000001', '43 days 12:45', null, null, null, 'seed-027'),
  ('YCAA-9ZNV', '+250709923538', 50000, 'issued', '+250708000001', '12 days 04:24', null, null, null, 'seed-028'),
  ('6ZPT-F8Y5', '+250709923538', 3000, 'void', '+250708000002', '25 days 15:23', '+250708000004', '1 days 14:44', 'Customer requested a refund', 'seed-029'),
  ('KPRN-BTZ5', '+250709923538', 3000, 'redeemed', '+250708000003', '70 days 07:38', '+250708000002', '18 days 11:57', null, 'seed-030'),
  ('582U-4WXS', '+250709908526', 10000, 'redeemed', '+250708000001', '59 days 10:40', '+250708000001', '1 days 01:52', null, 'seed-031'),
  ('AUDU-YZGC', '+250709908526', 2000, 'issued', '+250708000001', '0 days 08:33', null, null, null, 'seed-032'),
  ('X82Y-2SJD', '+250707311249', 5000, 'issued', '+250708000001', '1 days 04:44', null, null, null, 'seed-033'),
  ('TWVF-QHSQ', '+250707311249', 10000, 'issued', '+250708000001', '18 days 07:20', null, null, null, 'seed-034'),
  ('FF7U-S3DM', '+250707311249', 5000, 'void', '+250708000003', '82 days 00:35', '+250708000001', '0 days 08:51', 'Customer asked for a different amount', 'seed-035'),
  ('VG9X-MH58', '+250700097080', 5000, 'issued', '+250708000001', '12 days 17:36', null, null, null, 'seed-036'),
  ('GMVJ-YVTP', '+250700097080', 25000, 'issued', '+250708000002', '51 days 23:22', null, null, null, 'seed-037'),
  ('6Q56-ND4W', '+250704283821', 20000, 'void', '+250708000002', '33 days 00:38', '+250708000002', '2 days 18:06', 'Wrong amount entered', 'seed-038'),
  ('QCGV-BAH5', '+250707454005', 1000, 'redeemed', '+250708000002', '69 days 21:17', '+250708000002', '4 days 14:20', null, 'seed-039'),
  ('R83V-G4QB', '+250707454005', 1000, 'redeemed', '+250708000001', '57 days 11:24', '+250708000001', '3 days 19:18', null, 'seed-040'),
  ('6N3G-KXXC', '+250707454005', 2000, 'issued', '+250708000003', '69 days 02:57', null, null, null, 'seed-041'),
  ('JHFM-546X', '+250707454005', 3000, 'redeemed', '+250708000002', '45 days 07:58', '+250708000004', '13 days 23:44', null, 'seed-042'),
  ('34S8-X3XR', '+250701415672', 20000, 'redeemed', '+250708000001', '59 days 16:05', '+250708000002', '14 days 10:39', null, 'seed-043'),
  ('987N-8FJX', '+250701415672', 10000, 'issued', '+250708000004', '7 days 14:53', null, null, null, 'seed-044'),
  ('WRKW-FM9D', '+250705179839', 5000, 'redeemed', '+250708000002', '82 days 01:05', '+250708000003', '15 days 00:41', null, 'seed-045'),
  ('XSXH-KANG', '+250705179839', 50000, 'redeemed', '+250708000002', '26 days 05:52', '+250708000004', '13 days 03:45', null, 'seed-046'),
  ('B3D4-9R78', '+250700480728', 1000, 'issued', '+250708000001', '22 days 08:37', null, null, null, 'seed-047'),
  ('YYQV-HWC7', '+250700480728', 3000, 'void', '+250708000001', '25 days 15:36', '+250708000001', '0 days 04:10', 'Issued twice for the same payment', 'seed-048'),
  ('GZVP-E5AC', '+250700480728', 2000, 'redeemed', '+250708000003', '75 days 02:47', '+250708000002', '14 days 02:15', null, 'seed-049'),
  ('SGB6-C59P', '+250700480728', 2000, 'redeemed', '+250708000001', '6 days 01:39', '+250708000004', '0 days 14:56', null, 'seed-050'),
  ('JPVV-NHW3', '+250706137274', 2000, 'redeemed', '+250708000002', '18 days 06:16', '+250708000004', '1 days 01:23', null, 'seed-051'),
  ('UZJY-BVFZ', '+250706137274', 25000, 'issued', '+250708000001', '20 days 21:47', null, null, null, 'seed-052'),
  ('D552-YFUG', '+250706137274', 3000, 'issued', '+250708000004', '4 days 19:52', null, null, null, 'seed-053'),
  ('H9TF-PRZQ', '+250706137274', 5000, 'issued', '+250708000002', '41 days 11:40', null, null, null, 'seed-054'),
  ('9492-2788', '+250706137274', 10000, 'issued', '+250708000001', '46 days 23:04', null, null, null, 'seed-055'),
  ('T7NN-YZ77', '+250708592934', 2000, 'redeemed', '+250708000001', '27 days 06:14', '+250708000002', '0 days 21:37', null, 'seed-056'),
  ('GFYY-KGHD', '+250708592934', 10000, 'redeemed', '+250708000002', '42 days 11:32', '+250708000004', '13 days 00:05', null, 'seed-057'),
  ('3HA3-WWG5', '+250702384762', 20000, 'redeemed', '+250708000001', '75 days 01:35', '+250708000003', '9 days 06:14', null, 'seed-058'),
  ('U84G-S3TX', '+250709363305', 1000, 'redeemed', '+250708000004', '19 days 03:28', '+250708000002', '12 days 05:53', null, 'seed-059'),
  ('Z6YE-6D8Q', '+250707526201', 5000, 'redeemed', '+250708000002', '54 days 17:07', '+250708000001', '9 days 02:30', null, 'seed-060'),
  ('UEQQ-6V67', '+250707526201', 5000, 'issued', '+250708000003', '87 days 16:47', null, null, null, 'seed-061'),
  ('8XV8-2RGH', '+250706007291', 2000, 'issued', '+250708000001', '11 days 03:04', null, null, null, 'seed-062'),
  ('C92F-6MQ2', '+250701476622', 2000, 'redeemed', '+250708000004', '23 days 19:47', '+250708000004', '6 days 17:26', null, 'seed-063'),
  ('HTPS-HRT9', '+250701128730', 20000, 'issued', '+250708000002', '51 days 13:44', null, null, null, 'seed-064'),
  ('J6DT-RF3P', '+250702679867', 10000, 'redeemed', '+250708000004', '31 days 11:16', '+250708000002', '9 days 23:58', null, 'seed-065'),
  ('SJV4-6TVK', '+250702679867', 1000, 'redeemed', '+250708000001', '88 days 09:58', '+250708000002', '13 days 11:25', null, 'seed-066'),
  ('JEW8-ZPHW', '+250705701334', 2000, 'redeemed', '+250708000002', '46 days 01:56', '+250708000001', '14 days 03:06', null, 'seed-067'),
  ('EFQN-F4ZK', '+250705701334', 10000, 'issued', '+250708000002', '42 days 11:27', null, null, null, 'seed-068'),
  ('ZZ3G-TCXB', '+250705701334', 10000, 'redeemed', '+250708000002', '41 days 12:32', '+250708000002', '4 days 19:40', null, 'seed-069'),
  ('J4H2-D336', '+250705701334', 10000, 'redeemed', '+250708000004', '19 days 07:27', '+250708000004', '16 days 16:55', null, 'seed-070'),
  ('J23N-V5PK', '+250705701334', 5000, 'redeemed', '+250708000001', '59 days 09:52', '+250708000002', '8 days 19:28', null, 'seed-071'),
  ('2UBM-SRM3', '+250701912040', 2000, 'void', '+250708000001', '74 days 07:11', '+250708000001', '2 days 18:26', 'Wrong amount entered', 'seed-072'),
  ('B7YA-D3KH', '+250701912040', 3000, 'void', '+250708000002', '32 days 15:54', '+250708000001', '0 days 20:11', 'Customer requested a refund', 'seed-073'),
  ('8C7V-YR4H', '+250703405691', 5000, 'issued', '+250708000001', '28 days 06:56', null, null, null, 'seed-074'),
  ('3XHZ-MCSF', '+250700148877', 1000, 'issued', '+250708000002', '51 days 11:11', null, null, null, 'seed-075'),
  ('ASG9-QZ86', '+250700148877', 5000, 'issued', '+250708000004', '7 days 06:39', null, null, null, 'seed-076'),
  ('5SCF-6TEG', '+250700148877', 1000, 'issued', '+250708000002', '19 days 19:20', null, null, null, 'seed-077'),
  ('KMRW-H6WN', '+250703472191', 10000, 'redeemed', '+250708000002', '34 days 06:28', '+250708000004', '7 days 17:06', null, 'seed-078'),
  ('7RZG-TXKM', '+250703472191', 2000, 'redeemed', '+250708000001', '87 days 18:30', '+250708000002', '19 days 12:14', null, 'seed-079'),
  ('Q7BG-N4K6', '+250703472191', 2000, 'redeemed', '+250708000002', '80 days 16:57', '+250708000001', '11 days 17:26', null, 'seed-080'),
  ('AA5C-JQUE', '+250703472191', 2000, 'redeemed', '+250708000001', '21 days 08:07', '+250708000001', '2 days 19:25', null, 'seed-081'),
  ('6Z5V-4P53', '+250701788808', 15000, 'redeemed', '+250708000001', '42 days 20:23', '+250708000001', '8 days 17:02', null, 'seed-082'),
  ('XAZH-M9B7', '+250705485572', 10000, 'redeemed', '+250708000002', '76 days 02:37', '+250708000001', '10 days 08:39', null, 'seed-083'),
  ('HWT7-N5RN', '+250705485572', 10000, 'issued', '+250708000001', '34 days 12:45', null, null, null, 'seed-084'),
  ('6SXS-NX7S', '+250708956279', 1000, 'redeemed', '+250708000002', '67 days 21:07', '+250708000001', '17 days 22:01', null, 'seed-085'),
  ('ETPF-W2VE', '+250702618009', 10000, 'issued', '+250708000004', '26 days 16:48', null, null, null, 'seed-086'),
  ('K235-4524', '+250702618009', 3000, 'issued', '+250708000001', '37 days 04:20', null, null, null, 'seed-087'),
  ('788Q-5DA2', '+250702618009', 10000, 'redeemed', '+250708000001', '41 days 01:19', '+250708000001', '6 days 01:26', null, 'seed-088'),
  ('3SKJ-BE42', '+250709870258', 2000, 'issued', '+250708000002', '11 days 12:33', null, null, null, 'seed-089'),
  ('XBBR-F545', '+250709870258', 5000, 'issued', '+250708000003', '77 days 06:47', null, null, null, 'seed-090'),
  ('Z5G3-T4WF', '+250709870258', 50000, 'redeemed', '+250708000002', '2 days 03:39', '+250708000002', '0 days 15:43', null, 'seed-091'),
  ('8ADH-E9XR', '+250706575474', 2000, 'issued', '+250708000001', '22 days 11:22', null, null, null, 'seed-092'),
  ('8C3G-R9D9', '+250701818788', 1000, 'redeemed', '+250708000001', '80 days 00:56', '+250708000002', '6 days 16:26', null, 'seed-093'),
  ('HA5M-7XHF', '+250701818788', 1000, 'issued', '+250708000002', '84 days 06:06', null, null, null, 'seed-094'),
  ('YYK6-QDQY', '+250701818788', 20000, 'redeemed', '+250708000001', '55 days 23:47', '+250708000001', '1 days 06:06', null, 'seed-095'),
  ('R99P-7RZA', '+250701818788', 2000, 'redeemed', '+250708000001', '75 days 08:18', '+250708000002', '6 days 20:12', null, 'seed-096'),
  ('PNT9-33SN', '+250701818788', 10000, 'issued', '+250708000003', '70 days 05:32', null, null, null, 'seed-097')
) as v (code, customer_msisdn, amount_rwf, status, issued_by_msisdn, created_ago, acted_by_msisdn, acted_after,
           void_reason, idempotency_key)
join public.customers c on c.msisdn = v.customer_msisdn
join public.operators issuer on issuer.msisdn = v.issued_by_msisdn
left join public.operators actor on actor.msisdn = v.acted_by_msisdn
order by v.idempotency_key
on conflict (code) do nothing;
