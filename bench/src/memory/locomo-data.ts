import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";

/** One turn of a LoCoMo conversation. */
export interface LocomoTurn {
  id: string;
  speaker: string;
  text: string;
  session: number;
  position: number;
  /** Session date (ms since epoch, UTC). */
  time: number;
}

export interface LocomoQuestion {
  question: string;
  category: number;
  evidence: string[];
}

export interface LocomoConversation {
  name: string;
  speakers: [string, string];
  turns: LocomoTurn[];
  questions: LocomoQuestion[];
  /** The last session's date: "now" when the questions are asked. */
  lastSession: number;
}

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

/** "1:56 pm on 8 May, 2023" as ms since epoch (UTC). */
export function parseSessionDate(text: string): number {
  const m = /(\d{1,2}):(\d{2})\s*(am|pm)\s+on\s+(\d{1,2})\s+([A-Za-z]+),?\s+(\d{4})/i.exec(text);
  if (!m) throw new Error(`unreadable LoCoMo session date: ${JSON.stringify(text)}`);
  const month = MONTHS.indexOf(m[5]!.toLowerCase());
  if (month < 0) throw new Error(`unknown month in ${JSON.stringify(text)}`);
  const hour = (Number(m[1]) % 12) + (m[3]!.toLowerCase() === "pm" ? 12 : 0);
  return Date.UTC(Number(m[6]), month, Number(m[4]), hour, Number(m[2]));
}

/** Evidence ids as a flat list ("D8:6; D9:17" splits). */
function evidenceIds(evidence: unknown): string[] {
  if (!Array.isArray(evidence)) return [];
  return evidence.flatMap((e) => String(e).split(/[;,\s]+/)).filter((e) => /^D\d+:\d+$/.test(e));
}

/** Reads one LoCoMo conversation file (the `locomo10` per-conversation JSON). */
export function readConversation(file: string): LocomoConversation {
  const raw = JSON.parse(readFileSync(file, "utf8"));
  const c = raw.conversation ?? raw;
  const turns: LocomoTurn[] = [];
  let lastSession = 0;
  for (let s = 1; c[`session_${s}_date_time`] !== undefined; s++) {
    const session = c[`session_${s}`] as Array<Record<string, unknown>> | undefined;
    if (!session?.length) continue;
    const time = parseSessionDate(String(c[`session_${s}_date_time`]));
    lastSession = Math.max(lastSession, time);
    session.forEach((t, i) => {
      // A shared image is part of the turn as the model sees it: its caption.
      const caption = typeof t.blip_caption === "string" ? ` [shares a photo: ${t.blip_caption}]` : "";
      turns.push({
        id: String(t.dia_id),
        speaker: String(t.speaker),
        text: `${t.text ?? ""}${caption}`,
        session: s,
        position: i,
        time,
      });
    });
  }
  const questions = (raw.qa as Array<Record<string, unknown>>).map((q) => ({
    question: String(q.question),
    category: Number(q.category),
    evidence: evidenceIds(q.evidence),
  }));
  return {
    name: basename(file, ".json"),
    speakers: [c.speaker_a, c.speaker_b],
    turns,
    questions,
    lastSession,
  };
}

/** Every conversation in a directory (`*.json`), or one file. */
export function readLocomo(path: string): LocomoConversation[] {
  if (statSync(path).isFile()) return [readConversation(path)];
  return readdirSync(path)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => readConversation(join(path, f)));
}
