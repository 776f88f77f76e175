import { parse as parseCsv } from "csv-parse/sync";
import { EvalInputError } from "../errors/index.js";
import type { EvalCase } from "./types.js";

function validate(value: unknown, at: { line: number; source: string }): EvalCase {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new EvalInputError("expected an object with id and input", at);
  const v = value as Record<string, unknown>;
  const id = typeof v.id === "number" ? String(v.id) : v.id;
  if (typeof id !== "string" || id === "")
    throw new EvalInputError('"id" must be a non-empty string or a number', at);
  if (typeof v.input !== "string" && !Array.isArray(v.input))
    throw new EvalInputError('"input" must be a string or a list of messages', at);
  const expected = v.expected;
  if (
    expected !== undefined &&
    typeof expected !== "string" &&
    !(Array.isArray(expected) && expected.every((x) => typeof x === "string"))
  )
    throw new EvalInputError('"expected" must be a string or a list of strings', at);
  if (v.context !== undefined && !(Array.isArray(v.context) && v.context.every((x) => typeof x === "string")))
    throw new EvalInputError('"context" must be a list of strings', at);
  if (v.humanLabel !== undefined && typeof v.humanLabel !== "string" && typeof v.humanLabel !== "number")
    throw new EvalInputError('"humanLabel" must be a string or a number', at);
  if (
    v.tags !== undefined &&
    (typeof v.tags !== "object" ||
      v.tags === null ||
      Object.values(v.tags).some((x) => typeof x !== "string"))
  )
    throw new EvalInputError('"tags" must be an object of strings', at);
  return {
    id,
    input: v.input as EvalCase["input"],
    ...(expected === undefined ? {} : { expected: expected as string | string[] }),
    ...(v.context === undefined ? {} : { context: v.context as string[] }),
    ...(v.humanLabel === undefined ? {} : { humanLabel: v.humanLabel as string | number }),
    ...(v.tags === undefined ? {} : { tags: v.tags as Record<string, string> }),
  };
}

function checkUnique(cases: EvalCase[], lines: number[], source: string): void {
  const seen = new Map<string, number>();
  cases.forEach((c, i) => {
    const first = seen.get(c.id);
    if (first !== undefined)
      throw new EvalInputError(`case id "${c.id}" already used on line ${first}`, {
        line: lines[i]!,
        source,
      });
    seen.set(c.id, lines[i]!);
  });
}

/** Parses a JSON-lines dataset (`{"id", "input", "expected"?, "context"?, "humanLabel"?, "tags"?}` per line). */
export function parseJsonlDataset(text: string, source = "dataset"): EvalCase[] {
  const cases: EvalCase[] = [];
  const lines: number[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (line === "") return;
    const at = { line: i + 1, source };
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw new EvalInputError(`not JSON: ${(e as Error).message}`, at);
    }
    cases.push(validate(value, at));
    lines.push(i + 1);
  });
  checkUnique(cases, lines, source);
  return cases;
}

/**
 * Parses a CSV dataset with a header row: `id`, `input` (required), `expected` and `context`
 * (a JSON list when the cell starts with `[`, else one string), `humanLabel`, and `tag.<name>` columns.
 */
export function parseCsvDataset(text: string, source = "dataset"): EvalCase[] {
  let rows: Record<string, string>[];
  try {
    rows = parseCsv(text, { columns: true, skip_empty_lines: true, bom: true, relax_column_count: false });
  } catch (e) {
    const line = (e as { lines?: number }).lines;
    throw new EvalInputError(`CSV: ${(e as Error).message}`, { ...(line ? { line } : {}), source });
  }
  const header = rows[0] ? Object.keys(rows[0]) : [];
  for (const col of ["id", "input"])
    if (rows.length && !header.includes(col))
      throw new EvalInputError(`CSV has no "${col}" column`, { line: 1, source });
  const listOrString = (cell: string, at: { line: number; source: string }, col: string) => {
    if (!cell.trim().startsWith("[")) return cell;
    try {
      return JSON.parse(cell) as unknown;
    } catch (e) {
      throw new EvalInputError(
        `column "${col}" starts with "[" but is not a JSON list: ${(e as Error).message}`,
        at,
      );
    }
  };
  const cases: EvalCase[] = [];
  const lines: number[] = [];
  rows.forEach((row, i) => {
    const at = { line: i + 2, source };
    const tags: Record<string, string> = {};
    for (const [k, v] of Object.entries(row)) if (k.startsWith("tag.") && v !== "") tags[k.slice(4)] = v;
    const value: Record<string, unknown> = { id: row.id, input: row.input };
    if (row.expected) value.expected = listOrString(row.expected, at, "expected");
    if (row.context) {
      const c = listOrString(row.context, at, "context");
      value.context = typeof c === "string" ? [c] : c;
    }
    if (row.humanLabel) value.humanLabel = row.humanLabel;
    if (Object.keys(tags).length) value.tags = tags;
    cases.push(validate(value, at));
    lines.push(i + 2);
  });
  checkUnique(cases, lines, source);
  return cases;
}

/** Parses a dataset by its file name: `.csv` as CSV, anything else as JSON lines. */
export function parseDataset(text: string, name: string): EvalCase[] {
  return name.toLowerCase().endsWith(".csv") ? parseCsvDataset(text, name) : parseJsonlDataset(text, name);
}
