/**
 * The schema files in the order they build a database: `[db.migrations] schema_paths` of
 * supabase/config.toml, expanded as the Supabase CLI expands it (each pattern in the order declared, its
 * matches sorted, a file matched twice kept at its first place, a pattern that matches nothing an error;
 * `*`, `?` and `[…]` match within one path segment). Every .sql file under supabase/schemas must be
 * listed: a file left out would silently be missing from both the drift test and the generator.
 */
import { join, relative } from "node:path";

/** The repository's root (two levels above this file). */
export const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

/** The `schema_paths` array of `[db.migrations]` in a config.toml text (strings only, `#` comments allowed). */
export function schemaPathsOf(toml: string): string[] {
  const section = /^\[db\.migrations\][ \t]*$/m.exec(toml);
  if (!section) throw new Error("supabase/config.toml has no [db.migrations] section");
  const rest = toml.slice(section.index + section[0].length);
  const end = rest.search(/^\[/m);
  const body = end < 0 ? rest : rest.slice(0, end);
  const key = /^schema_paths[ \t]*=[ \t]*\[/m.exec(body);
  if (!key) throw new Error("[db.migrations] of supabase/config.toml has no schema_paths");
  const paths: string[] = [];
  let i = key.index + key[0].length;
  while (i < body.length) {
    const c = body[i]!;
    if (c === "]") return paths;
    if (c === "#") i = body.indexOf("\n", i) < 0 ? body.length : body.indexOf("\n", i);
    else if (c === '"') {
      const close = body.indexOf('"', i + 1);
      if (close < 0) break;
      paths.push(body.slice(i + 1, close));
      i = close + 1;
    } else if (/[\s,]/.test(c)) i++;
    else {throw new Error(
        `schema_paths: unexpected ${JSON.stringify(c)} (only "double-quoted" paths are read)`,
      );}
  }
  throw new Error("schema_paths: the array is not closed");
}

function globToRegExp(segment: string): RegExp {
  let source = "";
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === "*") source += "[^/]*";
    else if (c === "?") source += "[^/]";
    else if (c === "[") {
      const close = segment.indexOf("]", i + 1);
      if (close < 0) throw new Error(`schema_paths: unclosed [ in ${segment}`);
      source += `[${segment.slice(i + 1, close).replace(/^\^/, "^").replace(/\\/g, "\\\\")}]`;
      i = close;
    } else source += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

/** The files under `base` matching one pattern (relative to `base`), sorted. */
function globFiles(base: string, pattern: string): string[] {
  const segments = pattern.replace(/^\.\//, "").split("/").filter((s) => s !== "" && s !== ".");
  let current = [""];
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    const next: string[] = [];
    for (const dir of current) {
      if (!/[*?[]/.test(segment)) {
        const path = dir ? `${dir}/${segment}` : segment;
        if (exists(join(base, path), last ? "file" : "dir")) next.push(path);
        continue;
      }
      const re = globToRegExp(segment);
      let entries: Deno.DirEntry[] = [];
      try {
        entries = [...Deno.readDirSync(join(base, dir))];
      } catch {
        continue;
      }
      for (const e of entries) {
        if (re.test(e.name) && (last ? e.isFile : e.isDirectory)) {
          next.push(dir ? `${dir}/${e.name}` : e.name);
        }
      }
    }
    current = next;
  });
  return current.sort();
}

function exists(path: string, kind: "file" | "dir"): boolean {
  try {
    const info = Deno.statSync(path);
    return kind === "file" ? info.isFile : info.isDirectory;
  } catch {
    return false;
  }
}

/** Every .sql file under `dir` (relative to `base`), recursively. */
function sqlFilesUnder(base: string, dir: string): string[] {
  const found: string[] = [];
  let entries: Deno.DirEntry[] = [];
  try {
    entries = [...Deno.readDirSync(join(base, dir))];
  } catch {
    return found;
  }
  for (const e of entries) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory) found.push(...sqlFilesUnder(base, path));
    else if (e.isFile && e.name.endsWith(".sql")) found.push(path);
  }
  return found;
}

/**
 * The schema files of the repository at `root`, as paths relative to it (supabase/schemas/…), in the
 * order they apply. Throws naming a pattern that matches nothing or a .sql file no pattern lists.
 */
export function schemaFiles(root = ROOT): string[] {
  const supabase = join(root, "supabase");
  const patterns = schemaPathsOf(Deno.readTextFileSync(join(supabase, "config.toml")));
  const files: string[] = [];
  for (const pattern of patterns) {
    const matches = globFiles(supabase, pattern);
    if (matches.length === 0) throw new Error(`schema_paths: no files matched pattern: ${pattern}`);
    for (const m of matches) if (!files.includes(m)) files.push(m);
  }
  const listed = new Set(files);
  const unlisted = sqlFilesUnder(supabase, "schemas").filter((f) => !listed.has(f)).sort();
  if (unlisted.length > 0) {
    throw new Error(
      `not listed in [db.migrations] schema_paths of supabase/config.toml: ${
        unlisted.map((f) => `supabase/${f}`).join(", ")
      }`,
    );
  }
  return files.map((f) => relative(root, join(supabase, f)));
}
