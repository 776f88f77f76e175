import { describe, expect, it } from "vitest";
import { describeRange, timeRanges } from "./time-expressions.js";

const said = Date.UTC(2023, 4, 8, 13, 56); // 8 May 2023, 13:56 UTC
const day = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d);
const spans = (text: string, at = said) => timeRanges(text, at).map((r) => [r.start, r.end]);

describe("timeRanges", () => {
  it("reads relative days, weeks, months and years against the moment the text was said", () => {
    expect(spans("I went to a support group yesterday")).toEqual([[day(2023, 5, 7), day(2023, 5, 8)]]);
    expect(spans("that was two weeks ago")).toEqual([[day(2023, 4, 24), day(2023, 4, 25)]]);
    expect(spans("what did she do last week?")).toEqual([[day(2023, 5, 1), day(2023, 5, 8)]]);
    expect(spans("last year")).toEqual([[day(2022, 1, 1), day(2023, 1, 1)]]);
    expect(spans("this month")).toEqual([[day(2023, 5, 1), day(2023, 6, 1)]]);
  });

  it("reads absolute dates, month names alone and bare years", () => {
    expect(spans("on 8 May, 2023")).toEqual([[day(2023, 5, 8), day(2023, 5, 9)]]);
    expect(spans("what happened last May?", day(2023, 6, 20))).toEqual([[day(2023, 5, 1), day(2023, 6, 1)]]);
    expect(spans("in August", day(2023, 6, 20))).toEqual([[day(2022, 8, 1), day(2022, 9, 1)]]);
    expect(spans("I painted it in 2022")).toEqual([[day(2022, 1, 1), day(2023, 1, 1)]]);
    expect(spans("no time here")).toEqual([]);
  });

  it("writes a range out as words", () => {
    const [yesterday] = timeRanges("yesterday", said);
    expect(describeRange(yesterday!)).toBe("7 May 2023");
    expect(describeRange(timeRanges("in 2022", said)[0]!)).toBe("2022");
    expect(describeRange(timeRanges("this month", said)[0]!)).toBe("May 2023");
  });
});
