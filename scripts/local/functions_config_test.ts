/**
 * Every Edge Function is declared in supabase/config.toml with verify_jwt off: each checks its own
 * caller (Meta's signature, OpenAI's webhook signature, a tool key, a call token, the metrics token),
 * and callers such as Meta, OpenAI and other agents carry no Supabase JWT. A function missing there is
 * deployed with the platform's default (verify_jwt on), and every call to it is refused with a 401.
 */
import assert from "node:assert/strict";

const root = new URL("../../", import.meta.url);

Deno.test("supabase/config.toml declares every function with verify_jwt = false and the import map", async () => {
  const toml = await Deno.readTextFile(new URL("supabase/config.toml", root));
  const functions: string[] = [];
  for await (const entry of Deno.readDir(new URL("supabase/functions/", root))) {
    if (entry.isDirectory && !entry.name.startsWith("_") && entry.name !== "tests") {
      functions.push(entry.name);
    }
  }
  assert.ok(functions.includes("whatsapp-webhook"), "the functions are found");
  for (const name of functions.sort()) {
    const section = toml.split(/^\[/m).find((s) => s.startsWith(`functions.${name}]`));
    assert.ok(section, `[functions.${name}] is in supabase/config.toml`);
    assert.match(section, /^verify_jwt = false$/m, `${name}: verify_jwt = false`);
    assert.match(section, /^import_map = "..\/deno.json"$/m, `${name}: the import map`);
  }
});
