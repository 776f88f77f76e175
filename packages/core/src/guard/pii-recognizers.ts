import { ibanLength, ibanValid, luhnValid, shannonEntropy, ssnValid } from "./checksums.js";
import type { PiiType } from "./pii-types.js";

/** A built-in recognizer: candidates by pattern, then `resolve` validates and may trim the span. */
export interface BuiltInRecognizer {
  type: PiiType;
  pattern: RegExp;
  /** Returns the span to report (offsets into `text`), or undefined to drop the candidate. */
  resolve: (m: RegExpExecArray, text: string) => { start: number; end: number } | undefined;
}

const digitsOf = (s: string) => s.replace(/\D/g, "");
const whole = (m: RegExpExecArray) => ({ start: m.index, end: m.index + m[0].length });
const before = (text: string, at: number, n: number) => text.slice(Math.max(0, at - n), at).toLowerCase();

// ---------------------------------------------------------------------------------------------
// EMAIL: RFC 5322's common shape. The start is anchored (no local-part character before it), so
// a long run without "@" is scanned once. Domains ending in a file extension are look-alikes
// ("icon@2x.png", "pkg@1.2.3.tgz").
const FILE_EXTENSIONS = new Set(
  "png jpg jpeg gif svg webp bmp ico tif tiff js mjs cjs ts tsx jsx css scss less html htm json yaml yml xml txt pdf csv log zip gz tgz tar exe dll lock toml ini cfg conf map wasm mp3 mp4 wav mov avi".split(
    " ",
  ),
);
const EMAIL =
  /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]{1,64}@(?:[\p{L}\p{N}-]{1,63}\.){1,8}\p{L}{2,24}(?![\p{L}\p{N}-])/gu;

// ---------------------------------------------------------------------------------------------
// PHONE: a run of digits with phone-style separators, then shape checks: 7–15 digits (E.164), a
// "+" country code, a trunk "0" or a bracketed area code, or the North American 3-3-4 grouping;
// dates, times, versions, IPs, SSNs and ids are turned away by shape and by the words before.
// A number is not cut before a time's ":30" either: "2024.01.15 10:30" is a date, not "2024.01.15 10".
const PHONE = /(?<![\p{L}\p{N}+\-./:#_@])(?:\+|00)?\(?\d[\d ().\-\u00A0/]{4,22}\d(?![\p{N}]|[.\-/:]\d)/gu;
const PHONE_CONTEXT =
  /(?<!\p{L})(?:phone|tel|telephone|mobile|cell|call|fax|whatsapp|sms|text me|reach|contact|hotline|telefon|handy|rufnummer|tél|téléphone|portable|teléfono|móvil|telefono|cellulare|telefoon|número|numero|nummer)(?!\p{L})[^\n]{0,20}$/iu;
const NOT_PHONE_CONTEXT =
  /(?:(?<!\p{L})(?:order|invoice|inv|ticket|tracking|shipment|parcel|serial|s\/n|sku|isbn|issn|version|build|release|ref|reference|account|acct|id|no\.|nr\.|#|case|po|lot|batch|part|model|zip|postal|plz|code|pin|otp|iban|bic|card|ssn|amount|total|price)|[#€$£])\s*[:#]?\s*$/iu;
const DATE_LIKE =
  /^(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})(?:\s+\d{1,2}(?::\d{2}){1,2})?$/;

function resolvePhone(m: RegExpExecArray, text: string) {
  let value = m[0];
  // PHONE's match always ends with a digit, so an unbalanced bracket is never trailing sentence text.
  if ((value.match(/\(/g)?.length ?? 0) !== (value.match(/\)/g)?.length ?? 0)) return undefined;
  value = value.replace(/[\s.\-/]+$/, "");
  const digits = digitsOf(value);
  if (digits.length < 7 || digits.length > 15) return undefined;
  if (DATE_LIKE.test(value) || /^\d{3}-\d{2}-\d{4}$/.test(value)) return undefined;
  // Versions and IPs: dots only, short groups.
  if (/^\d{1,3}(?:\.\d{1,3}){2,3}$/.test(value) && !/^0\d/.test(value)) return undefined;
  // Two separator kinds that phone formats never mix this way (1.2-3/4) mark an id.
  const separators = new Set(value.replace(/[\d()+]/g, "").replace(/\u00A0/g, " "));
  if (separators.size > 2 || (separators.has(".") && separators.has("/"))) return undefined;
  const context = before(text, m.index, 30);
  // The tail of an IBAN-shaped code ("BE98 0956 4619 7283") is not a phone number.
  if (NOT_PHONE_CONTEXT.test(context) || /(?<![\p{L}\p{N}])[a-z]{2}\d{2} $/u.test(context)) return undefined;
  const international = value.startsWith("+") || value.startsWith("00");
  const groups = value.split(/[\s().\-/\u00A0]+/).filter(Boolean);
  const phoneWord = PHONE_CONTEXT.test(context);
  const shaped =
    (international && digits.length >= 8) ||
    /^\(\d{2,5}\)/.test(value) ||
    /^\d{3}[-. ]\d{3}[-. ]\d{4}$/.test(value) ||
    (/^0\d/.test(value) && groups.length >= 2 && digits.length >= 9) ||
    (/^0\d{8,11}$/.test(value) && phoneWord);
  if (!shaped && !(phoneWord && digits.length >= 7 && groups.length >= 2)) return undefined;
  // Groups longer than 5 digits after the first two are ids, not phone numbers (123456 789012).
  if (groups.filter((g) => g.replace(/\D/g, "").length > 5).length > 1) return undefined;
  return { start: m.index, end: m.index + value.length };
}

// ---------------------------------------------------------------------------------------------
// CREDIT_CARD: 13–19 digits with one consistent separator, a known issuer prefix, then Luhn.
const CARD = /(?<![\p{N}\-.])\d(?:[ -]?\d){12,18}(?![\p{N}]|[-.]\d)/gu;
const ISSUER = /^(?:4|5[1-5]|2[2-7]|3[47]|3[0689]|6(?:011|5|4[4-9]|2)|35|50|5[6-9]|6[3-9]|1)/;

function resolveCard(m: RegExpExecArray, text: string) {
  const value = m[0];
  const separators = new Set(value.replace(/\d/g, ""));
  if (separators.size > 1) return undefined;
  // Separated numbers come in the issuers' groupings: fours (the last group shorter), or
  // 4-6-5 / 4-6-4 for American Express and Diners.
  if (separators.size === 1) {
    const groups = value.split(/[ -]/).map((g) => g.length);
    const fours = groups.slice(0, -1).every((n) => n === 4) && (groups.at(-1) ?? 0) <= 4;
    const amex =
      groups.length === 3 && groups[0] === 4 && groups[1] === 6 && (groups[2] === 5 || groups[2] === 4);
    if (!fours && !amex) return undefined;
  }
  const digits = digitsOf(value);
  if (!ISSUER.test(digits) || !luhnValid(digits) || /^(\d)\1+$/.test(digits)) return undefined;
  // Unseparated digits after an order or tracking word are ids that happen to pass Luhn.
  if (
    separators.size === 0 &&
    /(?:(?<!\p{L})(?:order|tracking|invoice|ref|id|no\.?)|#)\s*[:#]?\s*$/iu.test(before(text, m.index, 20))
  )
    return undefined;
  return whole(m);
}

// ---------------------------------------------------------------------------------------------
// IBAN: country, check digits, then up to 30 characters in groups of four; trimmed to the
// country's length, then mod-97.
const IBAN = /(?<![\p{L}\p{N}])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?/gu;

function resolveIban(m: RegExpExecArray) {
  const value = m[0];
  const length = ibanLength(value.slice(0, 2));
  if (length === undefined) return undefined;
  let compact = "";
  let end = 0;
  for (let i = 0; i < value.length && compact.length < length; i++) {
    const ch = value[i] ?? "";
    if (ch !== " ") compact += ch;
    end = i + 1;
  }
  if (compact.length !== length || !ibanValid(compact)) return undefined;
  // The IBAN must end at a word boundary (no trailing letters or digits glued on).
  const next = value[end] ?? "";
  if (next !== "" && next !== " ") return undefined;
  return { start: m.index, end: m.index + end };
}

// ---------------------------------------------------------------------------------------------
// US_SSN: ddd-dd-dddd with one consistent separator (or none, after an SSN word), and the
// issuance rules.
const SSN = /(?<![\p{N}\-.])\d{3}([- ]?)\d{2}\1\d{4}(?![\p{N}]|[-.]\d)/gu;
const SSN_CONTEXT =
  /(?<!\p{L})(?:ssn|social security|soc\.? sec|sozialversicherungsnummer|tax id|taxpayer)[^\n]{0,20}$/iu;

function resolveSsn(m: RegExpExecArray, text: string) {
  const digits = digitsOf(m[0]);
  if (!ssnValid(digits)) return undefined;
  const separator = m[1] ?? "";
  if (separator !== "-" && !SSN_CONTEXT.test(before(text, m.index, 40))) return undefined;
  return whole(m);
}

// ---------------------------------------------------------------------------------------------
// IP_ADDRESS: dotted-quad IPv4 (optionally /prefix) and IPv6 checked by structure, so times
// (12:30:45), MAC addresses and C++ scopes (std::vector) stay.
const OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const IPV4 = new RegExp(
  `(?<![\\p{N}.])${OCTET}(?:\\.${OCTET}){3}(?:/(?:3[0-2]|[12]?\\d))?(?![\\p{N}]|\\.\\d)`,
  "gu",
);
const IPV6 =
  /(?<![\p{L}\p{N}:_])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{1,4})?(?:\/\d{1,3})?(?![\p{L}\p{N}:_])/gu;

// Section numbers look like addresses: "see section 25.1.5.1", or a numbered heading that ends
// in a dot before its title ("25.1.5.1. Multixacts and Wraparound", as manuals number them)
// where a heading starts: a line, a Markdown heading, a breadcrumb ("25.1. Routine Vacuuming ›
// 25.1.5.1. Multixacts") or a table cell. An address there is followed by anything but ". Title",
// and one ending a sentence ("connect to 10.0.0.1. Then …") follows a word.
const SECTION_WORD =
  /(?<!\p{L})(?:section|sect\.|§|chapter|chap\.|kapitel|abschnitt|sección|capítulo|chapitre|paragraph)\s*$/iu;
// Sticky: read exactly where the address ends.
const HEADING_TITLE = /\.[ \t]+\p{Lu}/uy;

/** Whether only blanks stand between `at` and a line start, a Markdown "#", "›", "»", "|" or ">". */
function opensHeading(text: string, at: number): boolean {
  for (let i = at - 1; ; i--) {
    const c = text[i];
    if (c !== " " && c !== "\t") return c === undefined || "\n#›»|>".includes(c);
  }
}

function resolveIpv4(m: RegExpExecArray, text: string) {
  const head = before(text, m.index, 12);
  if (/(?<!\p{L})(?:version|ver\.?|v|build|release|rev)\s*$/iu.test(head) || SECTION_WORD.test(head))
    return undefined;
  const end = m.index + m[0].length;
  HEADING_TITLE.lastIndex = end;
  if (opensHeading(text, m.index) && HEADING_TITLE.test(text)) return undefined;
  return whole(m);
}

function resolveIpv6(m: RegExpExecArray) {
  const value = m[0].replace(/\/\d{1,3}$/, "");
  const [address = "", ...rest] = value.split("::");
  if (rest.length > 1) return undefined;
  const compressed = rest.length === 1;
  const groups = [...address.split(":"), ...(compressed ? (rest[0] ?? "").split(":") : [])].filter(Boolean);
  const v4 = groups.length > 0 && (groups.at(-1) ?? "").includes(".");
  const units = groups.length + (v4 ? 1 : 0);
  if (compressed ? units > 7 : units !== 8) return undefined;
  if (!compressed && value.split(":").some((g) => g === "")) return undefined;
  // "::1" and the like, or at least two groups with a digit: "abc::def" is more often code.
  if (!/\d/.test(value) || (groups.length < 2 && value !== "::1")) return undefined;
  if (v4 && !/^(?:\d{1,3}\.){3}\d{1,3}$/.test(groups.at(-1) ?? "")) return undefined;
  return whole(m);
}

// ---------------------------------------------------------------------------------------------
// API_KEY: known provider prefixes, private-key blocks, JWTs, values assigned to a secret-named
// key, and long high-entropy tokens next to a secret word.
const KNOWN_KEYS = new RegExp(
  [
    "sk-(?:proj-|ant-(?:api|admin)\\d{2}-|svcacct-)?[A-Za-z0-9_-]{20,200}",
    "(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}",
    "AIza[0-9A-Za-z_-]{35}",
    "gh[pousr]_[A-Za-z0-9]{36,251}",
    "github_pat_[A-Za-z0-9_]{22,255}",
    "glpat-[A-Za-z0-9_-]{20}",
    "xox[abposr]-[A-Za-z0-9-]{10,250}",
    "(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{16,99}",
    "SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}",
    "hf_[A-Za-z0-9]{30,40}",
    "npm_[A-Za-z0-9]{36}",
    "AC[0-9a-f]{32}",
    "SK[0-9a-f]{32}",
    "shpat_[0-9a-fA-F]{32}",
    "dop_v1_[0-9a-f]{64}",
    "eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}",
    "-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----[A-Za-z0-9+/=\\s]{0,8192}?-----END (?:[A-Z]+ )?PRIVATE KEY-----",
  ]
    .map((p) => `(?:${p})`)
    .join("|")
    .replace(/^/, "(?<![A-Za-z0-9_-])(?:")
    .concat(")(?![A-Za-z0-9_-])"),
  "g",
);
const ASSIGNED_SECRET =
  /(?<![A-Za-z0-9])(?:api[_-]?key|apikey|secret(?:[_-]?key)?|access[_-]?token|auth[_-]?token|token|password|passwd|pwd|client[_-]?secret|private[_-]?key|credentials?)["']?\s{0,3}[:=]\s{0,3}["']?([^\s"',;]{8,200})/gi;
const BEARER = /(?<![A-Za-z0-9])Bearer\s{1,3}([A-Za-z0-9._~+/-]{16,500}=*)/g;
const TOKEN = /(?<![A-Za-z0-9_+/=-])[A-Za-z0-9_+/=-]{24,128}(?![A-Za-z0-9_+/=-])/g;
const SECRET_WORD = /(?<!\p{L})(?:key|secret|token|password|passwd|credential|auth|bearer|api)[^\n]{0,30}$/iu;

function resolveGroup(m: RegExpExecArray) {
  const value = m[1] ?? "";
  const start = m.index + m[0].length - value.length;
  // Placeholders and variable references are not secrets.
  if (
    /^(?:\*+|x+|<[^>]*>|\$\{?[A-Za-z_]+\}?|process\.env\.\w+|null|none|undefined|true|false|changeme|password)$/i.test(
      value,
    )
  )
    return undefined;
  return { start, end: start + value.length };
}

/** True for a token that looks random: mixed letters and digits, high entropy, not hex or a UUID. */
export function looksRandom(token: string): boolean {
  if (/^[0-9a-fA-F-]+$/.test(token)) return false; // hashes, UUIDs
  if (!/[A-Z]/.test(token) || !/[a-z]/.test(token) || !/\d/.test(token)) return false;
  return shannonEntropy(token) >= 4.2;
}

function resolveToken(m: RegExpExecArray, text: string) {
  if (!looksRandom(m[0])) return undefined;
  // Without a secret word nearby, only long, very random tokens count.
  if (!SECRET_WORD.test(before(text, m.index, 40)) && (m[0].length < 32 || shannonEntropy(m[0]) < 4.6))
    return undefined;
  return whole(m);
}

/** The built-in recognizers. Several per type: each finds one shape. */
export const PII_RECOGNIZERS: readonly BuiltInRecognizer[] = [
  { type: "API_KEY", pattern: KNOWN_KEYS, resolve: whole },
  { type: "API_KEY", pattern: ASSIGNED_SECRET, resolve: resolveGroup },
  { type: "API_KEY", pattern: BEARER, resolve: resolveGroup },
  { type: "API_KEY", pattern: TOKEN, resolve: resolveToken },
  {
    type: "EMAIL",
    pattern: EMAIL,
    resolve: (m) => {
      const tld = m[0].slice(m[0].lastIndexOf(".") + 1).toLowerCase();
      const local = m[0].slice(0, m[0].indexOf("@"));
      if (FILE_EXTENSIONS.has(tld) || local.startsWith(".") || local.endsWith(".") || local.includes(".."))
        return undefined;
      return whole(m);
    },
  },
  { type: "IBAN", pattern: IBAN, resolve: resolveIban },
  { type: "CREDIT_CARD", pattern: CARD, resolve: resolveCard },
  { type: "US_SSN", pattern: SSN, resolve: resolveSsn },
  { type: "IP_ADDRESS", pattern: IPV4, resolve: resolveIpv4 },
  { type: "IP_ADDRESS", pattern: IPV6, resolve: resolveIpv6 },
  { type: "PHONE", pattern: PHONE, resolve: resolvePhone },
];
