-- The transcription server and model and the voice-note limits are app_settings: seeded null (the
-- environment's values), validated per key, audited, and read by voice_note_settings() when set.
begin;
create extension if not exists pgtap with schema extensions;
select plan(16);

select set_eq($$select key from public.app_settings where key in ('transcription_base_url', 'transcription_model',
    'voice_note_max_seconds', 'voice_note_max_bytes') and value = 'null'::jsonb$$,
  array['transcription_base_url', 'transcription_model', 'voice_note_max_seconds', 'voice_note_max_bytes'],
  'the four voice settings are seeded null: the environment decides until ops set them');
select is(public.voice_note_settings(), '{}'::jsonb, 'voice_note_settings() leaves out what is null');

set local role service_role;
select lives_ok($$update public.app_settings set value = '"https://asr.example.org/v1"' where key = 'transcription_base_url'$$,
  'an https base URL is accepted');
select lives_ok($$update public.app_settings set value = '"http://127.0.0.1:8080/v1"' where key = 'transcription_base_url'$$,
  'http on loopback is accepted (a local recogniser)');
select throws_ok($$update public.app_settings set value = '"http://asr.example.org/v1"' where key = 'transcription_base_url'$$,
  'PT400', null, 'plain http elsewhere is refused: the API key would travel in the clear');
select throws_ok($$update public.app_settings set value = '"ftp://asr.example.org"' where key = 'transcription_base_url'$$,
  'PT400', null, 'a URL that is not http(s) is refused');
select throws_ok($$update public.app_settings set value = '42' where key = 'transcription_base_url'$$,
  'PT400', null, 'a number as the base URL is refused');
select lives_ok($$update public.app_settings set value = '"kinyarwanda-conformer"' where key = 'transcription_model'$$,
  'a model name is accepted');
select throws_ok($$update public.app_settings set value = '"two words"' where key = 'transcription_model'$$,
  'PT400', null, 'a model name with a space is refused');
select lives_ok($$update public.app_settings set value = '60' where key = 'voice_note_max_seconds'$$,
  'a whole number of seconds is accepted');
select throws_ok($$update public.app_settings set value = '0' where key = 'voice_note_max_seconds'$$,
  'PT400', null, 'zero seconds is refused');
select throws_ok($$update public.app_settings set value = '"120"' where key = 'voice_note_max_seconds'$$,
  'PT400', null, 'a string of seconds is refused');
select throws_ok($$update public.app_settings set value = '1.5' where key = 'voice_note_max_bytes'$$,
  'PT400', null, 'a fraction of a byte is refused');
select is(public.voice_note_settings(), jsonb_build_object('transcription_base_url', 'http://127.0.0.1:8080/v1',
    'transcription_model', 'kinyarwanda-conformer', 'voice_note_max_seconds', 60),
  'voice_note_settings() gives what is set');
select lives_ok($$update public.app_settings set value = 'null' where key = 'voice_note_max_seconds'$$,
  'null goes back to the environment''s limit');
reset role;
select is((select new_value from public.settings_audit where table_name = 'app_settings'
    and key = 'transcription_model' order by id desc limit 1), '"kinyarwanda-conformer"'::jsonb,
  'a change is audited like any setting');

select * from finish();
rollback;
