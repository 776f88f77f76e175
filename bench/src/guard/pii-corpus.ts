// Generates the labelled PII corpus for bench:pii: valid entities in many national formats,
// invalid-checksum twins and look-alikes (order, tracking and invoice numbers, versions, hashes,
// UUIDs, dates, times, log lines) embedded in sentences in several languages. Two disjoint sets:
// "dev" (the templates and seed the rules were written against) and "heldout" (other templates,
// other languages and another seed), which is what the benchmark reports.
//   npx tsx --conditions=@keel/source bench/src/guard/pii-corpus.ts --set heldout --out FILE
import { readFileSync, writeFileSync } from "node:fs";

export interface PiiRow {
  text: string;
  spans: Array<{ start: number; end: number; type: string }>;
}

type Rng = () => number;
function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const int = (r: Rng, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const digits = (r: Rng, n: number) => Array.from({ length: n }, () => int(r, 0, 9)).join("");
const hex = (r: Rng, n: number) =>
  Array.from({ length: n }, () => "0123456789abcdef"[int(r, 0, 15)]).join("");
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const alnum = (r: Rng, n: number, chars = ALNUM) =>
  Array.from({ length: n }, () => chars[int(r, 0, chars.length - 1)]).join("");

function luhnDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

function card(r: Rng, valid: boolean): string {
  const kind = pick(r, ["visa", "mc", "amex", "discover", "mc2"] as const);
  const prefix = {
    visa: "4",
    mc: `5${int(r, 1, 5)}`,
    amex: pick(r, ["34", "37"]),
    discover: "6011",
    mc2: `22${int(r, 21, 99)}`,
  }[kind];
  const length = kind === "amex" ? 15 : 16;
  const body = prefix + digits(r, length - 1 - prefix.length);
  let check = luhnDigit(body);
  if (!valid) check = (check + int(r, 1, 9)) % 10;
  const n = body + check;
  const sep = pick(r, [" ", "-", ""]);
  if (kind === "amex") return [n.slice(0, 4), n.slice(4, 10), n.slice(10)].join(sep);
  return (n.match(/.{4}/g) ?? []).join(sep);
}

function mod97(s: string): number {
  let rest = 0;
  for (const ch of s) {
    const v = ch >= "A" ? ch.charCodeAt(0) - 55 : Number(ch);
    rest = v >= 10 ? (rest * 100 + v) % 97 : (rest * 10 + v) % 97;
  }
  return rest;
}
function iban(r: Rng, valid: boolean): string {
  const [country, bban] = pick(r, [
    ["DE", () => digits(r, 18)],
    ["GB", () => `${alnum(r, 4, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")}${digits(r, 14)}`],
    ["FR", () => `${digits(r, 10)}${alnum(r, 11, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")}${digits(r, 2)}`],
    ["NL", () => `${alnum(r, 4, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")}${digits(r, 10)}`],
    ["ES", () => digits(r, 20)],
    [
      "IT",
      () =>
        `${alnum(r, 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")}${digits(r, 10)}${alnum(r, 12, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")}`,
    ],
    ["CH", () => digits(r, 17)],
    ["AT", () => digits(r, 16)],
    ["BE", () => digits(r, 12)],
    ["PL", () => digits(r, 24)],
  ] as const);
  const b = bban();
  let check = 98 - mod97(`${b}${country}00`);
  if (!valid) check = ((check + int(r, 1, 50)) % 97) + 2;
  const compact = `${country}${String(check).padStart(2, "0")}${b}`;
  return r() < 0.7 ? (compact.match(/.{1,4}/g) ?? []).join(" ") : compact;
}

function ssn(r: Rng, valid: boolean): string {
  const area = valid ? pick(r, [int(r, 1, 665), int(r, 667, 899)]) : pick(r, [0, 666, int(r, 900, 999)]);
  return `${String(area).padStart(3, "0")}-${String(int(r, 1, 99)).padStart(2, "0")}-${String(int(r, 1, 9999)).padStart(4, "0")}`;
}

function phone(r: Rng): string {
  const d = (n: number) => digits(r, n);
  const nz = () => String(int(r, 2, 9));
  return pick(r, [
    () => `(${nz()}${d(2)}) ${nz()}${d(2)}-${d(4)}`,
    () => `${nz()}${d(2)}-${nz()}${d(2)}-${d(4)}`,
    () => `${nz()}${d(2)}.${nz()}${d(2)}.${d(4)}`,
    () => `+1 ${nz()}${d(2)} ${nz()}${d(2)} ${d(4)}`,
    () => `+1-${nz()}${d(2)}-${nz()}${d(2)}-${d(4)}`,
    () => `+44 20 ${d(4)} ${d(4)}`,
    () => `020 ${d(4)} ${d(4)}`,
    () => `07${d(3)} ${d(6)}`,
    () => `+44 7${d(3)} ${d(6)}`,
    () => `+49 30 ${d(8)}`,
    () => `030 ${d(7)}`,
    () => `0171 ${d(7)}`,
    () => `+49 171 ${d(7)}`,
    () => `030/${d(7)}`,
    () => `+33 ${int(r, 1, 9)} ${d(2)} ${d(2)} ${d(2)} ${d(2)}`,
    () => `0${int(r, 1, 9)} ${d(2)} ${d(2)} ${d(2)} ${d(2)}`,
    () => `06.${d(2)}.${d(2)}.${d(2)}.${d(2)}`,
    () => `+34 91${d(1)} ${d(3)} ${d(3)}`,
    () => `+91 98${d(3)} ${d(5)}`,
    () => `+55 11 9${d(4)}-${d(4)}`,
    () => `+81 3-${d(4)}-${d(4)}`,
    () => `03-${d(4)}-${d(4)}`,
    () => `+39 06 ${d(4)} ${d(4)}`,
    () => `+31 20 ${d(3)} ${d(4)}`,
    () => `+41 44 ${d(3)} ${d(2)} ${d(2)}`,
    () => `+61 2 ${d(4)} ${d(4)}`,
    () => `0412 ${d(3)} ${d(3)}`,
    () => `+${nz()}${d(10)}`,
  ])();
}

function email(r: Rng): string {
  const first = pick(r, ["anna", "jan", "li", "maria", "omar", "sven", "chloe", "ravi", "yuki", "lena"]);
  const last = pick(r, ["schmidt", "nguyen", "garcia", "okafor", "dubois", "rossi", "kowalski", "smith"]);
  const domain = pick(r, [
    "example.com",
    "mail.example.org",
    "firma.de",
    "exemple.fr",
    "uni-example.ac.uk",
    "corp.example.co.jp",
    "example.io",
  ]);
  return pick(r, [
    () => `${first}.${last}@${domain}`,
    () => `${first[0]}${last}${int(r, 1, 99)}@${domain}`,
    () => `${first}+${pick(r, ["news", "work", "2024"])}@${domain}`,
    () => `${first}_${last}@${domain}`,
    () => `${last.toUpperCase()}.${first}@${domain.toUpperCase()}`,
  ])();
}

function ip(r: Rng): string {
  const o = () => int(r, 0, 255);
  return pick(r, [
    () => `${int(r, 1, 223)}.${o()}.${o()}.${o()}`,
    () => `10.${o()}.${o()}.${int(r, 1, 254)}`,
    () => `192.168.${o()}.${int(r, 1, 254)}`,
    () => `${int(r, 1, 223)}.${o()}.${o()}.0/${int(r, 8, 30)}`,
    () => `2001:db8:${hex(r, 4)}:${hex(r, 4)}::${hex(r, 3)}`,
    () => Array.from({ length: 8 }, () => hex(r, 4)).join(":"),
    () => `fe80::${hex(r, 4)}:${hex(r, 4)}:${hex(r, 4)}:${hex(r, 4)}`,
    () => `::ffff:${int(r, 1, 223)}.${o()}.${o()}.${o()}`,
  ])();
}

/** An API key or secret; `prefix` is text before it that is not part of the label. */
function apiKey(r: Rng): { prefix: string; value: string } {
  return pick(r, [
    () => ({ prefix: "", value: `sk-proj-${alnum(r, 48)}` }),
    () => ({ prefix: "", value: `sk-ant-api03-${alnum(r, 40)}-${alnum(r, 12)}` }),
    () => ({ prefix: "", value: `AKIA${alnum(r, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}` }),
    () => ({ prefix: "", value: `ghp_${alnum(r, 36)}` }),
    () => ({ prefix: "", value: `xoxb-${digits(r, 12)}-${digits(r, 12)}-${alnum(r, 24)}` }),
    () => ({ prefix: "", value: `AIza${alnum(r, 35)}` }),
    () => ({ prefix: "", value: `sk_live_${alnum(r, 24)}` }),
    () => ({ prefix: "", value: `glpat-${alnum(r, 20)}` }),
    () => ({ prefix: "", value: `hf_${alnum(r, 34)}` }),
    () => ({ prefix: "api_key=", value: alnum(r, 32) }),
    () => ({ prefix: "SECRET_KEY: ", value: alnum(r, 40) }),
    () => ({ prefix: "password=", value: `${alnum(r, 6)}!${alnum(r, 5)}` }),
    () => ({ prefix: "Authorization: Bearer ", value: `${alnum(r, 20)}.${alnum(r, 30)}` }),
  ])();
}

/** Text that looks like PII and is not: never labelled. */
function lookAlike(r: Rng): string {
  return pick(r, [
    () => card(r, false),
    () => iban(r, false),
    () => ssn(r, false),
    () => `order #${digits(r, 3)}-${digits(r, 7)}-${digits(r, 7)}`,
    () => `Order ${digits(r, 10)}`,
    () => `tracking 1Z${alnum(r, 6, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")}${digits(r, 10)}`,
    () => `INV-${int(r, 2019, 2026)}-${digits(r, 5)}`,
    () => `invoice ${digits(r, 8)}`,
    () => `v${int(r, 0, 20)}.${int(r, 0, 40)}.${int(r, 0, 99)}`,
    () => `version ${int(r, 1, 9)}.${int(r, 0, 9)}.${int(r, 0, 99)}.${int(r, 0, 9999)}`,
    () => `commit ${hex(r, 40)}`,
    () => `sha256:${hex(r, 64)}`,
    () => `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-a${hex(r, 3)}-${hex(r, 12)}`,
    () =>
      `${int(r, 2019, 2026)}-${String(int(r, 1, 12)).padStart(2, "0")}-${String(int(r, 1, 28)).padStart(2, "0")} ${String(int(r, 0, 23)).padStart(2, "0")}:${String(int(r, 0, 59)).padStart(2, "0")}:${String(int(r, 0, 59)).padStart(2, "0")}`,
    () =>
      `${String(int(r, 1, 28)).padStart(2, "0")}.${String(int(r, 1, 12)).padStart(2, "0")}.${int(r, 1990, 2026)}`,
    () => `${int(r, 1, 12)}/${int(r, 1, 28)}/${int(r, 1990, 2026)}`,
    () => `${int(r, 1, 999)},${digits(r, 3)},${digits(r, 3)} USD`,
    () => `ISBN 978-${int(r, 0, 9)}-${digits(r, 3)}-${digits(r, 5)}-${int(r, 0, 9)}`,
    () => `port ${int(r, 1024, 65535)}`,
    () => `MAC ${Array.from({ length: 6 }, () => hex(r, 2)).join(":")}`,
    () => `took ${int(r, 1, 9999)} ms`,
    () => `PLZ ${digits(r, 5)}`,
    () => `case ${digits(r, 3)}-${digits(r, 3)}-${digits(r, 4)}`,
    () => `ref ${digits(r, 4)} ${digits(r, 4)} ${digits(r, 4)}`,
    () => `icon@2x.png`,
    () => `std::vector<int>`,
  ])();
}

type Slot = "EMAIL" | "PHONE" | "CREDIT_CARD" | "IBAN" | "US_SSN" | "IP_ADDRESS" | "API_KEY" | "LOOK";
type Template = { parts: Array<string | { slot: Slot }> };

// Templates: "{X}" is an entity slot, "{LOOK}" a look-alike.
const DEV_TEMPLATES = [
  "Hi, please reach me at {EMAIL} or call {PHONE} after 5pm. Ref {LOOK}.",
  "Customer paid with card {CREDIT_CARD} on {LOOK}; refund to IBAN {IBAN}.",
  "Employee record: SSN {US_SSN}, phone {PHONE}, email {EMAIL}.",
  "Login from {IP_ADDRESS} failed 3 times ({LOOK}).",
  "Deploy config: {API_KEY} (rotated {LOOK})",
  "Bitte überweisen Sie den Betrag auf {IBAN}. Rückfragen unter {PHONE} oder {EMAIL}.",
  "Votre commande {LOOK} est expédiée. Contact : {PHONE}, {EMAIL}.",
  "Su número de tarjeta {CREDIT_CARD} ha sido bloqueado. Llame al {PHONE}.",
  "Server {IP_ADDRESS} answered in {LOOK}; fallback {IP_ADDRESS}.",
  "Do not commit {API_KEY} to git; see {LOOK}.",
  "Send the W-2 for SSN {US_SSN} to {EMAIL}.",
  "{LOOK} and {LOOK} are not personal data.",
];
const HELDOUT_TEMPLATES = [
  "[{LOOK}] WARN auth: token {API_KEY} rejected for client {IP_ADDRESS}",
  '{"user": "{EMAIL}", "tel": "{PHONE}", "build": "{LOOK}"}',
  "name,email,phone,iban\nJ. Doe,{EMAIL},{PHONE},{IBAN}",
  "Thanks for your order {LOOK}! Questions? Text us at {PHONE}.",
  "Kontoinhaber: M. Muster, IBAN: {IBAN}, Kartennummer {CREDIT_CARD}, Tel. {PHONE}",
  "Il cliente {EMAIL} ha pagato con la carta {CREDIT_CARD} ({LOOK}).",
  "Bel ons op {PHONE} of mail naar {EMAIL}; factuur {LOOK}.",
  "O IP {IP_ADDRESS} acessou o sistema em {LOOK}.",
  "Applicant SSN: {US_SSN}. Prior address verified; case {LOOK}.",
  "export OPENAI_API_KEY=... no wait, the real one is {API_KEY}",
  "Connection from {IP_ADDRESS} to {IP_ADDRESS} closed after {LOOK}",
  "Ticket {LOOK}: customer {EMAIL} reports card {CREDIT_CARD} declined, callback {PHONE}.",
  "Firewall rule allows {IP_ADDRESS}; denied {LOOK}.",
  "Release notes {LOOK}: fixed crash; thanks to {EMAIL}.",
];

function parse(template: string): Template {
  const parts: Template["parts"] = [];
  for (const piece of template.split(/(\{[A-Z_]+\})/)) {
    if (/^\{[A-Z_]+\}$/.test(piece)) parts.push({ slot: piece.slice(1, -1) as Slot });
    else if (piece) parts.push(piece);
  }
  return { parts };
}

/** Generates `n` rows of one set, deterministically. */
export function generatePiiCorpus(set: "dev" | "heldout", n: number): PiiRow[] {
  const r = mulberry32(set === "dev" ? 1_2_3 : 9_8_7_6_5);
  const templates = (set === "dev" ? DEV_TEMPLATES : HELDOUT_TEMPLATES).map(parse);
  const rows: PiiRow[] = [];
  for (let i = 0; i < n; i++) {
    const t = templates[i % templates.length] as Template;
    let text = "";
    const spans: PiiRow["spans"] = [];
    for (const piece of t.parts) {
      if (typeof piece === "string") {
        text += piece;
        continue;
      }
      const part = piece.slot;
      let value: string;
      if (part === "LOOK") {
        text += lookAlike(r);
        continue;
      }
      if (part === "API_KEY") {
        const k = apiKey(r);
        text += k.prefix;
        value = k.value;
      } else
        value = {
          EMAIL: email,
          PHONE: phone,
          CREDIT_CARD: (x: Rng) => card(x, true),
          IBAN: (x: Rng) => iban(x, true),
          US_SSN: (x: Rng) => ssn(x, true),
          IP_ADDRESS: ip,
        }[part](r);
      spans.push({ start: text.length, end: text.length + value.length, type: part });
      text += value;
    }
    rows.push({ text, spans });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const set = (args[args.indexOf("--set") + 1] ?? "heldout") as "dev" | "heldout";
  const n = Number(args.includes("--n") ? args[args.indexOf("--n") + 1] : 2000);
  const lines = generatePiiCorpus(set, n).map((row) => JSON.stringify(row));
  const out = args.includes("--out") ? args[args.indexOf("--out") + 1] : undefined;
  if (out) writeFileSync(out, `${lines.join("\n")}\n`);
  else console.log(lines.join("\n"));
}

/** Reads a labelled file in this corpus's format: JSON lines {"text", "spans": [{"start","end","type"}]}. */
export function readPiiRows(file: string): PiiRow[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((line, i) => {
      const row = JSON.parse(line) as PiiRow;
      if (typeof row.text !== "string" || !Array.isArray(row.spans))
        throw new Error(`${file}:${i + 1}: needs "text" and "spans"`);
      return row;
    });
}
