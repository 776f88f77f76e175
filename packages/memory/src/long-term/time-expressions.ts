import * as chrono from "chrono-node";

/** A span of time named in text, `[start, end)` in ms since epoch, with the words that named it. */
export interface TimeRange {
  text: string;
  start: number;
  end: number;
}

const DAY = 86_400_000;
const MONTHS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];
// "last May", "in June": a month name alone, which chrono leaves out.
const BARE_MONTH = new RegExp(`\\b(last|this|in|during)\\s+(${MONTHS.join("|")})\\b(?!\\s+\\d)`, "gi");
// "in 2022", "since 2019": a bare year.
const BARE_YEAR = /\b(in|during|since|of|around)\s+((?:19|20)\d\d)\b(?![\s,]*\d)/gi;

function utcDay(date: Date): number {
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
}

/**
 * The spans of time a text names ("yesterday", "last week", "two weeks ago", "8 May 2023", "last
 * May", "in 2022"), read against `reference` (when the text was said, or now for a question), in
 * UTC. Parsing is chrono-node's, widened to the span the words name: a day, a week, a month or a year.
 */
export function timeRanges(text: string, reference: number | Date): TimeRange[] {
  const ref = new Date(reference);
  const out: TimeRange[] = [];
  for (const r of chrono.parse(text, { instant: ref, timezone: 0 }, { forwardDate: false })) {
    const start = r.start.date();
    const known = (c: "day" | "month" | "year" | "weekday") => r.start.isCertain(c);
    const lower = r.text.toLowerCase();
    // A month name alone is read below as the latest such month, not chrono's next one.
    if (MONTHS.includes(lower.trim())) continue;
    let from: number;
    let to: number;
    if (r.end) {
      from = utcDay(start);
      to = utcDay(r.end.date()) + DAY;
    } else if (/\bweeks?\b/.test(lower) && !/\bago\b/.test(lower)) {
      from = utcDay(start);
      to = from + 7 * DAY;
    } else if (known("day") || known("weekday") || /\b(yesterday|today|tomorrow|tonight|ago)\b/.test(lower)) {
      from = utcDay(start);
      to = from + DAY;
    } else if (known("month")) {
      from = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), 1);
      to = Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1);
    } else {
      from = Date.UTC(start.getUTCFullYear(), 0, 1);
      to = Date.UTC(start.getUTCFullYear() + 1, 0, 1);
    }
    out.push({ text: r.text, start: from, end: to });
  }
  for (const m of text.matchAll(BARE_MONTH)) {
    const month = MONTHS.indexOf(m[2]!.toLowerCase());
    // The most recent such month not after the reference ("last May" said in June 2023 is May 2023).
    let year = ref.getUTCFullYear();
    if (month > ref.getUTCMonth() || (m[1]!.toLowerCase() === "last" && month === ref.getUTCMonth())) year--;
    out.push({ text: m[0], start: Date.UTC(year, month, 1), end: Date.UTC(year, month + 1, 1) });
  }
  for (const m of text.matchAll(BARE_YEAR)) {
    const year = Number(m[2]);
    out.push({ text: m[0], start: Date.UTC(year, 0, 1), end: Date.UTC(year + 1, 0, 1) });
  }
  return out;
}

/** A range written out as words an index can match ("7 May 2023", "May 2023", "2023"). */
export function describeRange(range: TimeRange): string {
  const start = new Date(range.start);
  const month = MONTHS[start.getUTCMonth()]!;
  const label = `${month[0]!.toUpperCase()}${month.slice(1)}`;
  const span = range.end - range.start;
  if (span <= DAY) return `${start.getUTCDate()} ${label} ${start.getUTCFullYear()}`;
  if (span <= 7 * DAY) return `week of ${start.getUTCDate()} ${label} ${start.getUTCFullYear()}`;
  if (span <= 31 * DAY) return `${label} ${start.getUTCFullYear()}`;
  return String(start.getUTCFullYear());
}

/** True when two spans share any instant. */
export function overlaps(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  return a.start < b.end && b.start < a.end;
}
