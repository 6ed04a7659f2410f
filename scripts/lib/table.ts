/** The one table renderer of the tools: Markdown for reports, plain text for the terminal. */

/** How a column's cells line up in a text table. */
export type Align = "left" | "right";

/** How textTable lays a table out. */
export interface TextTableOptions {
  /** Per column; left when absent. */
  align?: readonly Align[];
  /** A line of dashes under the head. */
  rule?: boolean;
}

/** A Markdown (GitHub pipe) table; a `|` inside a cell is escaped so that it stays in its cell. */
export function markdownTable(head: readonly string[], body: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map((c) => c.replaceAll("|", "\\|")).join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...body.map(line)].join("\n");
}

/**
 * A plain-text table: each column as wide as its widest cell, columns two spaces apart, no trailing
 * spaces. An empty `head` prints no head line (a table of names and values).
 */
export function textTable(
  head: readonly string[],
  body: readonly (readonly string[])[],
  options: TextTableOptions = {},
): string {
  const rows = head.length ? [head, ...body] : [...body];
  const columns = Math.max(0, ...rows.map((r) => r.length));
  const widths = Array.from(
    { length: columns },
    (_, i) => Math.max(0, ...rows.map((r) => (r[i] ?? "").length)),
  );
  const line = (cells: readonly string[]) =>
    widths.map((w, i) => {
      const cell = cells[i] ?? "";
      return options.align?.[i] === "right" ? cell.padStart(w) : cell.padEnd(w);
    }).join("  ").trimEnd();
  const top = head.length
    ? [line(head), ...(options.rule ? [line(widths.map((w) => "-".repeat(w)))] : [])]
    : [];
  return [...top, ...body.map(line)].join("\n");
}
