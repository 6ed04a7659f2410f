/**
 * Splits a SQL file into its statements, as psql and the Supabase CLI run them: a semicolon ends a
 * statement unless it is inside a string ('…', E'…'), a quoted identifier ("…"), a dollar-quoted body
 * ($$…$$, $tag$…$tag$) or a comment (-- to the end of the line, or a block comment, nested or not).
 * Each statement keeps the comment lines right above it (no blank line between), so a migration built
 * from statements carries their explanations. Not handled, because the schema files do not use them:
 * psql meta-commands and `begin atomic` bodies.
 */

/** One statement of a file: its text up to its semicolon, the comments above it, where it starts. */
export interface Statement {
  text: string;
  /** The comment lines right above the statement, or "". */
  comments: string;
  /** 1-based line of the statement's first character. */
  line: number;
}

const IDENT_CHAR = /[A-Za-z0-9_$]/;
const DOLLAR_TAG = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/;

/** The statements of `sql`, in order; text after the last semicolon (comments, blanks) is dropped. */
export function splitStatements(sql: string): Statement[] {
  const statements: Statement[] = [];
  let start = -1; // index of the current statement's first character, -1 between statements
  let gapStart = 0; // where the text between statements began
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === "-" && next === "-") {
      const end = sql.indexOf("\n", i);
      i = end < 0 ? sql.length : end + 1;
      continue;
    }
    if (c === "/" && next === "*") {
      i = skipBlockComment(sql, i);
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (start < 0) start = i;
    if (c === ";") {
      statements.push(statementAt(sql, gapStart, start, i + 1));
      start = -1;
      gapStart = i + 1;
      i++;
    } else if (c === "'") {
      const escapes = (sql[i - 1] === "E" || sql[i - 1] === "e") && !IDENT_CHAR.test(sql[i - 2] ?? "");
      i = skipQuoted(sql, i, "'", escapes);
    } else if (c === '"') {
      i = skipQuoted(sql, i, '"', false);
    } else if (c === "$" && !IDENT_CHAR.test(sql[i - 1] ?? "")) {
      const tag = DOLLAR_TAG.exec(sql.slice(i, i + 64))?.[0];
      if (tag) {
        const end = sql.indexOf(tag, i + tag.length);
        if (end < 0) throw new Error(`unterminated dollar quote ${tag} at line ${lineOf(sql, i)}`);
        i = end + tag.length;
      } else {
        i++;
      }
    } else {
      i++;
    }
  }
  if (start >= 0) {
    throw new Error(`the statement at line ${lineOf(sql, start)} does not end with a semicolon`);
  }
  return statements;
}

function statementAt(sql: string, gapStart: number, start: number, end: number): Statement {
  // The comment block that touches the statement: the gap's lines after its last blank line (the gap's
  // first line is the rest of the previous statement's line, whose comment belongs to that statement).
  const gapLines = sql.slice(gapStart, start).split("\n");
  const kept: string[] = [];
  for (let k = gapLines.length - 2; k >= (gapStart === 0 ? 0 : 1); k--) {
    const line = gapLines[k]!.trim();
    if (!line.startsWith("--")) break;
    kept.unshift(line);
  }
  return { text: sql.slice(start, end), comments: kept.join("\n"), line: lineOf(sql, start) };
}

function skipQuoted(sql: string, i: number, quote: string, backslashEscapes: boolean): number {
  let k = i + 1;
  while (k < sql.length) {
    const c = sql[k]!;
    if (backslashEscapes && c === "\\") {
      k += 2;
    } else if (c === quote) {
      if (sql[k + 1] === quote) k += 2;
      else return k + 1;
    } else {
      k++;
    }
  }
  throw new Error(`unterminated ${quote} quote at line ${lineOf(sql, i)}`);
}

function skipBlockComment(sql: string, i: number): number {
  let depth = 0;
  let k = i;
  while (k < sql.length) {
    if (sql[k] === "/" && sql[k + 1] === "*") {
      depth++;
      k += 2;
    } else if (sql[k] === "*" && sql[k + 1] === "/") {
      depth--;
      k += 2;
      if (depth === 0) return k;
    } else {
      k++;
    }
  }
  throw new Error(`unterminated comment at line ${lineOf(sql, i)}`);
}

function lineOf(sql: string, index: number): number {
  let line = 1;
  for (let k = 0; k < index; k++) if (sql[k] === "\n") line++;
  return line;
}
