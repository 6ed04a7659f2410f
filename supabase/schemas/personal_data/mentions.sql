-- Finding a person in free text and JSON, as erase_person() needs: a number written with spaces,
-- dashes, dots or brackets ("+250 788 123 456", "0788-123-456") and a name split over two lines are
-- still found, by comparing the texts with those characters squeezed out and case folded. And keeping
-- only what names nobody, as prune_personal_data() needs for records that stay.

create or replace function public.personal_data_squeeze(p_text text) returns text
language sql immutable security invoker set search_path = '' as $$
  select lower(regexp_replace(p_text, '[[:space:]().-]+', '', 'g'))
$$;
comment on function public.personal_data_squeeze(text) is 'A text lower-cased without spaces, dashes, dots and brackets: how personal_data_mentions compares a text with a number or a name.';
revoke execute on function public.personal_data_squeeze(text) from public, anon, authenticated;
grant execute on function public.personal_data_squeeze(text) to service_role;

create or replace function public.personal_data_mentions(p_text text, p_terms text[]) returns boolean
language sql immutable security invoker set search_path = '' as $$
  -- Terms shorter than 4 characters once squeezed would match nearly anything: they are ignored.
  select coalesce(p_text is not null and exists (
    select 1 from unnest(p_terms) t (term)
    where length(public.personal_data_squeeze(t.term)) >= 4
      and strpos(public.personal_data_squeeze(p_text), public.personal_data_squeeze(t.term)) > 0), false)
$$;
comment on function public.personal_data_mentions(text, text[]) is 'Whether a text (a message, a reason, a JSON document as text) holds one of the terms (a number, a name, a user id), spaces, dashes, dots, brackets and case aside.';
revoke execute on function public.personal_data_mentions(text, text[]) from public, anon, authenticated;
grant execute on function public.personal_data_mentions(text, text[]) to service_role;

create or replace function public.personal_data_redact(p_value jsonb, p_terms text[]) returns jsonb
language plpgsql immutable security invoker set search_path = '' as $$
begin
  if p_value is null or not public.personal_data_mentions(p_value::text, p_terms) then
    return p_value;
  end if;
  -- Objects and arrays keep what does not mention the person (an amount, a code, a status); a value
  -- that does goes with its key.
  if jsonb_typeof(p_value) = 'object' then
    return (select coalesce(jsonb_object_agg(e.key, public.personal_data_redact(e.value, p_terms)), '{}'::jsonb)
      from jsonb_each(p_value) e
      where jsonb_typeof(e.value) in ('object', 'array') or not public.personal_data_mentions(e.value::text, p_terms));
  elsif jsonb_typeof(p_value) = 'array' then
    return (select coalesce(jsonb_agg(public.personal_data_redact(e.value, p_terms) order by e.n), '[]'::jsonb)
      from jsonb_array_elements(p_value) with ordinality e (value, n)
      where jsonb_typeof(e.value) in ('object', 'array') or not public.personal_data_mentions(e.value::text, p_terms));
  end if;
  return null;
end;
$$;
comment on function public.personal_data_redact(jsonb, text[]) is 'A JSON document without the values that mention one of the terms (personal_data_mentions): objects and arrays keep the rest, a scalar that mentions one becomes null.';
revoke execute on function public.personal_data_redact(jsonb, text[]) from public, anon, authenticated;
grant execute on function public.personal_data_redact(jsonb, text[]) to service_role;

create or replace function public.personal_data_keep(p_value jsonb, p_keys text[]) returns jsonb
language plpgsql immutable security invoker set search_path = '' as $$
begin
  -- Objects keep the listed keys and, searched the same way, nested objects and arrays; an unlisted
  -- scalar (a number, a name, a reason, whatever a later version adds) goes.
  if jsonb_typeof(p_value) = 'object' then
    return (select coalesce(jsonb_object_agg(e.key, public.personal_data_keep(e.value, p_keys)), '{}'::jsonb)
      from jsonb_each(p_value) e where e.key = any(p_keys) or jsonb_typeof(e.value) in ('object', 'array'));
  elsif jsonb_typeof(p_value) = 'array' then
    return (select coalesce(jsonb_agg(public.personal_data_keep(e.value, p_keys) order by e.n), '[]'::jsonb)
      from jsonb_array_elements(p_value) with ordinality e (value, n) where jsonb_typeof(e.value) in ('object', 'array'));
  end if;
  return p_value;
end;
$$;
comment on function public.personal_data_keep(jsonb, text[]) is 'A JSON document with only the listed keys (at any depth) and the objects and arrays that hold them: an allow-list, so that a key added later is dropped until someone lists it.';
revoke execute on function public.personal_data_keep(jsonb, text[]) from public, anon, authenticated;
grant execute on function public.personal_data_keep(jsonb, text[]) to service_role;
