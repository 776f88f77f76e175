import { describe, expect, it } from "vitest";
import { ibanLength, ibanValid, luhnValid, shannonEntropy, ssnValid } from "./checksums.js";

describe("luhnValid", () => {
  it("accepts numbers with a valid check digit, of odd and even length", () => {
    expect(luhnValid("4111111111111111")).toBe(true);
    expect(luhnValid("378282246310005")).toBe(true);
    expect(luhnValid("79927398713")).toBe(true);
    expect(luhnValid("0")).toBe(true);
    // Doubling a 5–9 subtracts 9: "59" is 1 + 9 = 10.
    expect(luhnValid("59")).toBe(true);
    expect(luhnValid("91")).toBe(true);
  });

  it("refuses a wrong check digit, an empty string and anything but digits", () => {
    expect(luhnValid("4111111111111112")).toBe(false);
    expect(luhnValid("79927398710")).toBe(false);
    expect(luhnValid("")).toBe(false);
    expect(luhnValid("4111 1111 1111 1111")).toBe(false);
    expect(luhnValid("0/")).toBe(false);
    expect(luhnValid("0:")).toBe(false);
    // "/" would count −1: with a doubled 5 (1) the sum is 0, still no number.
    expect(luhnValid("5/")).toBe(false);
    expect(luhnValid("18")).toBe(true);
    expect(luhnValid("81")).toBe(false);
  });
});

describe("IBAN", () => {
  it("knows each country's length, whatever the case of the code", () => {
    expect(ibanLength("DE")).toBe(22);
    expect(ibanLength("gb")).toBe(22);
    expect(ibanLength("NO")).toBe(15);
    expect(ibanLength("RU")).toBe(33);
    expect(ibanLength("US")).toBeUndefined();
  });

  it("accepts valid IBANs from several countries, in either case", () => {
    for (const iban of [
      "DE89370400440532013000",
      "GB82WEST12345698765432",
      "FR1420041010050500013M02606",
      "NL91ABNA0417164300",
      "BE68539007547034",
      "NO9386011117947",
      "ch9300762011623852957",
    ])
      expect(ibanValid(iban)).toBe(true);
  });

  it("refuses a wrong check, a wrong length, an unknown country or a malformed code", () => {
    expect(ibanValid("DE89370400440532013001")).toBe(false);
    expect(ibanValid("DE8937040044053201300")).toBe(false);
    expect(ibanValid("DE893704004405320130000")).toBe(false);
    expect(ibanValid("XX89370400440532013000")).toBe(false);
    expect(ibanValid("D189370400440532013000")).toBe(false);
    expect(ibanValid("DEX9370400440532013000")).toBe(false);
    expect(ibanValid("DE89 3704 0044 0532 0130 00")).toBe(false);
    // Valid mod-97 check digits, but 20 characters where Germany has 22.
    expect(ibanValid("DE863704004405320130")).toBe(false);
    expect(ibanValid(" DE89370400440532013000")).toBe(false);
    expect(ibanValid("DE89370400440532013000 ")).toBe(false);
  });
});

describe("ssnValid", () => {
  it("accepts nine digits that could be issued", () => {
    expect(ssnValid("536221234")).toBe(true);
    expect(ssnValid("001010001")).toBe(true);
    expect(ssnValid("899991234")).toBe(true);
    expect(ssnValid("665221234")).toBe(true);
    expect(ssnValid("667221234")).toBe(true);
  });

  it("refuses the numbers never issued", () => {
    for (const digits of [
      "000221234", // area 000
      "666221234", // area 666
      "900221234", // area 900–999
      "999221234",
      "536001234", // group 00
      "536220000", // serial 0000
      "111111111", // one digit
      "078051120", // published samples
      "219099999",
      "123456789",
      "987654320",
      "987654321",
      "53622123", // not nine digits
      "5362212345",
      "536-22-1234",
      "a36221234",
    ])
      expect(ssnValid(digits), digits).toBe(false);
  });
});

describe("shannonEntropy", () => {
  it("is the bits per character of the string's character distribution", () => {
    expect(shannonEntropy("aaaa")).toBe(0);
    expect(shannonEntropy("abab")).toBe(1);
    expect(shannonEntropy("abcd")).toBe(2);
    expect(shannonEntropy("aab")).toBeCloseTo(0.9183, 4);
  });
});
