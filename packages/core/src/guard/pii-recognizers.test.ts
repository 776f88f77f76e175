import { describe, expect, it } from "vitest";
import { detectPii } from "./detect-pii.js";
import { looksRandom } from "./pii-recognizers.js";
import type { PiiType } from "./pii-types.js";

const found = (text: string, type?: PiiType) =>
  detectPii(text, type ? { types: [type] } : {}).map((s) => `${s.type}:${s.value}`);

describe("PHONE", () => {
  it.each([
    ["call +1 (415) 555-0123 today", "+1 (415) 555-0123"],
    ["call 0049 30 12345678", "0049 30 12345678"],
    ["(030) 1234567 office", "(030) 1234567"],
    ["415.555.0123", "415.555.0123"],
    ["415-555-0123", "415-555-0123"],
    ["415 555 0123", "415 555 0123"],
    ["030 12345678", "030 12345678"],
    ["phone: 0301234567", "0301234567"],
    ["tel 555 01234", "555 01234"],
    ["Handy: +49\u00A0151\u00A012345678", "+49\u00A0151\u00A012345678"],
  ])("finds a phone number in %j", (text, value) => {
    expect(found(text, "PHONE")).toEqual([`PHONE:${value}`]);
  });

  it("leaves a closing bracket of the sentence and trailing separators out", () => {
    expect(found("(call me on 415-555-0123)", "PHONE")).toEqual(["PHONE:415-555-0123"]);
    expect(found("reach +44 20 7946 0958.", "PHONE")).toEqual(["PHONE:+44 20 7946 0958"]);
    expect(found("reach +44 20 7946 0958 - thanks", "PHONE")).toEqual(["PHONE:+44 20 7946 0958"]);
  });

  it.each([
    "(415 555-0123",
    "call 123456",
    "call +1 234 567 890 123 456 789",
    "on 2024-01-15 10:30",
    "on 15.01.2024",
    "ssn 536-22-1234",
    "phone 10.0.0.1 or 1.2.3.4",
    "phone 12.34-56/78 90",
    "phone 030.1234/5678",
    "order 030 12345678",
    "invoice: 415-555-0123",
    "price $415 555 0123",
    "BE98 0956 4619 7283",
    "1234567 units",
    "0301234567",
    "+4930123",
    "phone 123456 789012",
  ])("does not take %j for a phone number", (text) => {
    expect(found(text, "PHONE")).toEqual([]);
  });

  it("takes a trunk-0 number with a version-like shape for a phone number", () => {
    expect(found("call 030.123.4567", "PHONE")).toEqual(["PHONE:030.123.4567"]);
  });
});

describe("CREDIT_CARD", () => {
  it.each([
    "4111111111111111",
    "4111 1111 1111 1111",
    "4111-1111-1111-1111",
    "5500 0000 0000 0004",
    "3782 822463 10005",
    "3056 930902 5904",
    "6011 1111 1111 1117",
    "2223 0000 4841 0010",
  ])("finds %j", (card) => {
    expect(found(`pay with ${card} now`, "CREDIT_CARD")).toEqual([`CREDIT_CARD:${card}`]);
  });

  it.each([
    "4111 1111-1111 1111",
    "41111 1111 1111 111",
    "4111 1111 1111 11111",
    "3782 82246 310005",
    "9111 1111 1111 1113",
    "0000 0000 0000 0000",
    "order 4111111111111111",
    "tracking #4111111111111111",
    "id: 4111111111111111",
  ])("leaves %j alone", (text) => {
    expect(found(text, "CREDIT_CARD")).toEqual([]);
  });

  it("takes a separated card after an order word: the grouping says it is a card", () => {
    expect(found("order 4111 1111 1111 1111", "CREDIT_CARD")).toEqual(["CREDIT_CARD:4111 1111 1111 1111"]);
  });
});

describe("IBAN", () => {
  it("finds compact and grouped IBANs and stops at the country's length", () => {
    expect(found("iban GB82WEST12345698765432 ok", "IBAN")).toEqual(["IBAN:GB82WEST12345698765432"]);
    expect(found("NL91 ABNA 0417 1643 00 bank", "IBAN")).toEqual(["IBAN:NL91 ABNA 0417 1643 00"]);
    expect(found("NO93 8601 1117 947", "IBAN")).toEqual(["IBAN:NO93 8601 1117 947"]);
  });

  it("refuses an unknown country, a bad check, or letters glued on", () => {
    expect(found("XX82WEST12345698765432", "IBAN")).toEqual([]);
    expect(found("GB82WEST12345698765433", "IBAN")).toEqual([]);
    expect(found("GB82WEST12345698765432X", "IBAN")).toEqual([]);
    expect(found("NL91ABNA0417164300AB", "IBAN")).toEqual([]);
    expect(found("GB82WEST1234569876", "IBAN")).toEqual([]);
  });
});

describe("US_SSN", () => {
  it("finds dashed SSNs, and spaced or bare ones after an SSN word only", () => {
    expect(found("id 536-22-1234", "US_SSN")).toEqual(["US_SSN:536-22-1234"]);
    expect(found("SSN: 536 22 1234", "US_SSN")).toEqual(["US_SSN:536 22 1234"]);
    expect(found("social security 536221234", "US_SSN")).toEqual(["US_SSN:536221234"]);
    expect(found("taxpayer number is 536221234", "US_SSN")).toEqual(["US_SSN:536221234"]);
    expect(found("code 536 22 1234", "US_SSN")).toEqual([]);
    expect(found("number 536221234", "US_SSN")).toEqual([]);
    expect(found("536-22 1234", "US_SSN")).toEqual([]);
    expect(found("666-22-1234", "US_SSN")).toEqual([]);
  });
});

describe("IP_ADDRESS", () => {
  it.each([
    ["ping 8.8.8.8 now", "8.8.8.8"],
    ["net 10.0.0.0/8", "10.0.0.0/8"],
    ["host 255.255.255.255", "255.255.255.255"],
    // An address that opens a line is still one, unless a heading's ". Title" follows.
    ["10.0.0.1 - - [07/Dec/2026] GET /", "10.0.0.1"],
    ["gateway:\n192.168.0.1. then the router", "192.168.0.1"],
    ["Our section of the office uses 10.1.2.3.", "10.1.2.3"],
    ["Connect to 10.0.0.1. Then restart the service.", "10.0.0.1"],
    ["host=             10.0.0.1. Then restart.", "10.0.0.1"],
    ["section at 10.0.0.1", "10.0.0.1"],
    ["v6 ::1 loopback", "::1"],
    ["v6 fe80::1ff:fe23:4567:890a", "fe80::1ff:fe23:4567:890a"],
    ["v6 2001:0db8:0000:0000:0000:ff00:0042:8329", "2001:0db8:0000:0000:0000:ff00:0042:8329"],
    ["v6 2001:db8::/32", "2001:db8::/32"],
    ["v6 64:ff9b::192.0.2.33", "64:ff9b::192.0.2.33"],
  ])("finds %j", (text, value) => {
    expect(found(text, "IP_ADDRESS")).toEqual([`IP_ADDRESS:${value}`]);
  });

  it.each([
    "version 1.2.3.4",
    "v 10.0.0.1",
    "build 10.0.0.1",
    "see section 25.1.5.1 for the details",
    "Abschnitt 10.2.3.4 regelt das.",
    "25.1.5.1. Multixacts and Wraparound",
    "Intro text\n## 10.0.0.1. Setting Up",
    "25.1. Routine Vacuuming › Note › 25.1.5.1. Multixacts and Wraparound",
    "  25.1.5.1.  Multixacts, indented, two spaces before the title",
    "Intro\n\t25.1.5.1.\tMultixacts",
    "§10.2.3.4 of the code",
    "256.1.1.1",
    "1.2.3.4.5",
    "std::vector",
    "a::b",
    "12:30:45",
    "2001:db8:85a3:0:0:8a2e:370",
    "2001:db8:85a3:0:0:8a2e:370:7334:1",
    "2001::db8::1",
    "2001:db8:85a3::8a2e:370:7334:1:2",
  ])("leaves %j alone", (text) => {
    expect(found(text, "IP_ADDRESS")).toEqual([]);
  });
});

describe("EMAIL", () => {
  it("finds addresses with Unicode, subdomains and plus tags", () => {
    expect(found("to jörg.müller+x@mail.example.de!", "EMAIL")).toEqual([
      "EMAIL:jörg.müller+x@mail.example.de",
    ]);
  });

  it.each(["icon@2x.png", "pkg@1.2.3.tgz", ".ana@example.com", "ana.@example.com", "a..b@example.com"])(
    "leaves the look-alike %j alone",
    (text) => {
      expect(found(text, "EMAIL")).toEqual([]);
    },
  );
});

describe("API_KEY", () => {
  it.each([
    "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123",
    "AKIAIOSFODNN7EXAMPLE",
    "AIzaSyA1234567890abcdefghijklmnopqrstuv",
    "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
    "github_pat_abcdefghijklmnopqrstuv",
    "glpat-abcdefghij0123456789",
    "xoxb-1234567890-abcdef",
    "sk_live_abcdefghij0123456789",
    "hf_abcdefghijklmnopqrstuvwxyz01234",
    "npm_abcdefghijklmnopqrstuvwxyz0123456789",
    "shpat_0123456789abcdef0123456789abcdef",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
  ])("finds the known key shape %j", (key) => {
    expect(found(`use ${key} here`, "API_KEY")).toEqual([`API_KEY:${key}`]);
  });

  it("finds a private key block", () => {
    const block =
      "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END RSA PRIVATE KEY-----";
    expect(found(`key:\n${block}\nend`, "API_KEY")).toEqual([`API_KEY:${block}`]);
  });

  it("takes the value assigned to a secret-named key, but not a placeholder", () => {
    expect(found("api_key = 'abcd1234efgh'", "API_KEY")).toEqual(["API_KEY:abcd1234efgh"]);
    expect(found('CLIENT_SECRET: "s3cr3t-value-here"', "API_KEY")).toEqual(["API_KEY:s3cr3t-value-here"]);
    for (const placeholder of [
      "********",
      "xxxxxxxx",
      "<your-key>",
      "$API_KEY",
      "process.env.API_KEY",
      "changeme",
      "undefined",
    ])
      expect(found(`password = ${placeholder}`, "API_KEY"), placeholder).toEqual([]);
    expect(found("token=short", "API_KEY")).toEqual([]);
  });

  it("takes a bearer token", () => {
    expect(found("Authorization: Bearer abcdefghijklmnop1234", "API_KEY")).toEqual([
      "API_KEY:abcdefghijklmnop1234",
    ]);
    expect(found("Bearer short", "API_KEY")).toEqual([]);
  });

  it("takes a random token near a secret word, and a long very random one anywhere", () => {
    expect(found("the secret is aB3dE5gH7jK9mN1pQ3rS5tU7", "API_KEY")).toEqual([
      "API_KEY:aB3dE5gH7jK9mN1pQ3rS5tU7",
    ]);
    expect(found("here: aB3dE5gH7jK9mN1pQ3rS5tU7", "API_KEY")).toEqual([]);
    expect(found("here: Zq8Xw2Lm4Np6Rt0Vy3Bc5Df7Gh9Jk1Mn", "API_KEY")).toEqual([
      "API_KEY:Zq8Xw2Lm4Np6Rt0Vy3Bc5Df7Gh9Jk1Mn",
    ]);
  });
});

describe("looksRandom", () => {
  it("wants upper and lower case letters and digits with high entropy, and no hex, UUID or word list", () => {
    expect(looksRandom("aB3dE5gH7jK9mN1pQ3rS5tU7")).toBe(true);
    expect(looksRandom("9f86d081884c7d659a2feaa0c55ad015")).toBe(false);
    expect(looksRandom("550e8400-e29b-41d4-a716-446655440000")).toBe(false);
    expect(looksRandom("abcdefghijklmnopqrstuvwx1")).toBe(false);
    expect(looksRandom("ABCDEFGHIJKLMNOPQRSTUVWX1")).toBe(false);
    expect(looksRandom("abcdefghijklMNOPQRSTUVWX")).toBe(false);
    expect(looksRandom("Some-Kebab-Case-Words-Here")).toBe(false);
    expect(looksRandom("aaaaaaaaaaaaAAAAAAAAAA11")).toBe(false);
  });
});

describe("PII recognizers: the shape checks behind a phone word", () => {
  // "call" makes any run of 7+ digits in 2+ groups a phone number, unless a shape check says otherwise.
  it.each([
    "call 2024-01-15",
    "call 2024.01.15 10:30:15",
    "call 15/01/2024",
    "call 1.2.2024 9:05",
    "call 15-01-24",
    "call 536-22-1234",
    "call 10.20.30.40",
    "call 12.34-56 78",
    "call BE98 0956 4619 7283",
    "call 123456 789012",
    "tel 5550123",
  ])("%j is no phone number", (text) => {
    expect(found(text, "PHONE")).toEqual([]);
  });

  it.each([
    ["call 555 0123", "555 0123"],
    ["call 0301 234 5678", "0301 234 5678"],
    ["call 12345 6789", "12345 6789"],
  ])("%j holds a phone number", (text, value) => {
    expect(found(text, "PHONE")).toEqual([`PHONE:${value}`]);
  });

  it("needs 8 digits after a + and 9 after a trunk 0 when no phone word is near", () => {
    expect(found("+49 301 2345", "PHONE")).toEqual(["PHONE:+49 301 2345"]);
    expect(found("+12 34 567", "PHONE")).toEqual([]);
    expect(found("030 123456", "PHONE")).toEqual(["PHONE:030 123456"]);
    expect(found("030 12345", "PHONE")).toEqual([]);
    expect(found("pay 5555 123400", "PHONE")).toEqual([]);
    expect(found("see (12) 34567", "PHONE")).toEqual(["PHONE:(12) 34567"]);
    expect(found("see (1) 2345678", "PHONE")).toEqual([]);
    expect(found("415-555-01234", "PHONE")).toEqual([]);
  });
});

describe("PII recognizers: more key shapes and tokens", () => {
  it.each([
    "SG.abcdefghijklmnopqrstuv.abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
    "AC0123456789abcdef0123456789abcdef",
    "SK0123456789abcdef0123456789abcdef",
    `dop_v1_${"0123456789abcdef".repeat(4)}`,
  ])("finds %j", (key) => {
    expect(found(`use ${key} here`, "API_KEY")).toEqual([`API_KEY:${key}`]);
  });

  it("does not take a known prefix glued inside a longer word", () => {
    expect(found("xAKIAIOSFODNN7EXAMPLE", "API_KEY")).toEqual([]);
  });

  it("wants a secret word near a long token of moderate randomness", () => {
    const token = "aB3dE5gH7jK9mN1pQ3rS5tU7aB3dE5gH";
    expect(found(`here: ${token}`, "API_KEY")).toEqual([]);
    expect(found(`auth ${token}`, "API_KEY")).toEqual([`API_KEY:${token}`]);
  });

  it("takes hex with mixed case for a hash, not a key", () => {
    expect(looksRandom("0123456789abcdefABCDEF01")).toBe(false);
  });
});

describe("PII recognizers: more IP shapes", () => {
  it.each([
    ["ver. 10.0.0.1", []],
    ["ver 10.0.0.1", []],
    ["rev 10.0.0.1", []],
    ["release 10.0.0.1", []],
    ["server 10.0.0.1", ["IP_ADDRESS:10.0.0.1"]],
    ["net 2001:db8::1/128", ["IP_ADDRESS:2001:db8::1/128"]],
    ["v6 1:2:3::4:5:6:7", ["IP_ADDRESS:1:2:3::4:5:6:7"]],
    ["v6 0:0:0:0:0:ffff:192.0.2.1", ["IP_ADDRESS:0:0:0:0:0:ffff:192.0.2.1"]],
    ["v6 fe80::", []],
  ])("%j", (text, expected) => {
    expect(found(text, "IP_ADDRESS")).toEqual(expected);
  });
});

describe("PII recognizers: card groupings, issuers and secret names", () => {
  it.each([
    ["4222 2222 2222 2", true],
    ["4111 11111 1111 111", false],
    ["4111 1111 11111111", false],
    ["4111 111111 111111", false],
    ["41111 111111 11111", false],
    ["3056 93090 25904", false],
    ["41111 11111 111111", false],
    ["3056 930902 5904", true],
    ["7111 1111 1111 1114", false],
    ["6111 1111 1111 1116", false],
  ])("%j is a card: %s", (card, isCard) => {
    expect(found(`pay ${card} now`, "CREDIT_CARD")).toEqual(isCard ? [`CREDIT_CARD:${card}`] : []);
  });

  it.each([
    "api-key=abcd1234efgh",
    "apikey: abcd1234efgh",
    "secret_key=abcd1234efgh",
    "secretkey=abcd1234efgh",
    "access_token=abcd1234efgh",
    "accesstoken=abcd1234efgh",
    "auth-token: abcd1234efgh",
    "authtoken=abcd1234efgh",
    "token = abcd1234efgh",
    "passwd=abcd1234efgh",
    "pwd=abcd1234efgh",
    "client_secret=abcd1234efgh",
    "clientsecret=abcd1234efgh",
    "private-key=abcd1234efgh",
    "privatekey=abcd1234efgh",
    "credential=abcd1234efgh",
    "credentials: abcd1234efgh",
    '"secret" : "abcd1234efgh"',
    "PASSWORD='abcd1234efgh'",
  ])("takes the value of %j", (text) => {
    expect(found(text, "API_KEY")).toEqual(["API_KEY:abcd1234efgh"]);
  });

  it("does not take a secret name inside a longer word", () => {
    expect(found("mytoken=abcd1234efgh", "API_KEY")).toEqual([]);
  });

  it("ends an SSN at a word boundary", () => {
    expect(found("id 536-22-1234 ok", "US_SSN")).toEqual(["US_SSN:536-22-1234"]);
    expect(found("id 536-22-1234.", "US_SSN")).toEqual(["US_SSN:536-22-1234"]);
    expect(found("id 536-22-1234-5", "US_SSN")).toEqual([]);
    expect(found("id 536-22-1234.5", "US_SSN")).toEqual([]);
    expect(found("id 536-22-12345", "US_SSN")).toEqual([]);
  });

  it("refuses a phone number with an unclosed bracket even after a phone word", () => {
    expect(found("call (415 555-0123", "PHONE")).toEqual([]);
  });
});

describe("PII recognizers: context words and edges", () => {
  it.each([
    ["Authorization: Bearer  abcdefghijklmnop1234", "API_KEY", ["API_KEY:abcdefghijklmnop1234"]],
    ["the secret is aB3dE5gH7jK9mN1pQ3rS5tU7.", "API_KEY", ["API_KEY:aB3dE5gH7jK9mN1pQ3rS5tU7"]],
    ["soc sec 536221234", "US_SSN", ["US_SSN:536221234"]],
    ["soc. sec 536221234", "US_SSN", ["US_SSN:536221234"]],
    ["myssn 536221234", "US_SSN", []],
    ["ssn is not something I have, but 536221234", "US_SSN", []],
    ["call me some other day please ok, 555 0123", "PHONE", []],
    ["recall 555 0123", "PHONE", []],
    ["order placed, call 555 0123", "PHONE", ["PHONE:555 0123"]],
    ["call reorder 555 0123", "PHONE", ["PHONE:555 0123"]],
    ["no 4111111111111111", "CREDIT_CARD", []],
    ["order placed, pay 4111111111111111", "CREDIT_CARD", ["CREDIT_CARD:4111111111111111"]],
    ["v2 at host 10.0.0.1", "IP_ADDRESS", ["IP_ADDRESS:10.0.0.1"]],
    ["version10.0.0.1", "IP_ADDRESS", []],
    ["call +123 456 789 012 345", "PHONE", ["PHONE:+123 456 789 012 345"]],
    ["call +123 456 789 012 3456", "PHONE", []],
    ["call 12 536-22-1234", "PHONE", ["PHONE:12 536-22-1234"]],
    ["call 536-22-1234 5", "PHONE", ["PHONE:536-22-1234 5"]],
    ["call 5 10.20.30.40", "PHONE", ["PHONE:5 10.20.30.40"]],
    ["call 030.123\u00A0456-78", "PHONE", []],
    ["call ab12 later on 555 0123", "PHONE", ["PHONE:555 0123"]],
    ["+49 30 1234", "PHONE", ["PHONE:+49 30 1234"]],
    ["5 (030) 1234", "PHONE", []],
    ["1 415-555-0123", "PHONE", []],
    ["tel 10301234567", "PHONE", []],
    ["tel 03012345678901", "PHONE", []],
    ["see 555 0123", "PHONE", []],
    ["BE68 5390 0754 7034 1234", "IBAN", ["IBAN:BE68 5390 0754 7034"]],
  ])("%j (%s)", (text, type, expected) => {
    expect(found(text, type as PiiType)).toEqual(expected);
  });
});
