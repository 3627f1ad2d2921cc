import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compactRangeExpr, parseRangeExpr, rangeLength, rangeValueAt } from "../../../lib/openjd/index.ts";

const values = (expr: string): number[] => {
  const segments = parseRangeExpr(expr);
  return Array.from({ length: rangeLength(segments) }, (_, i) => rangeValueAt(segments, i));
};

describe("integer range expressions", () => {
  it.each([
    // The spec's table (§3.4.1.1.1).
    ["1 - 5", [1, 2, 3, 4, 5]],
    ["1 - -1", [1]],
    ["-1 - 1", [-1, 0, 1]],
    ["1-5:2", [1, 3, 5]],
    ["10-15:2,1-5", [1, 2, 3, 4, 5, 10, 12, 14]],
    ["1-10:4", [1, 5, 9]],
    // The sample showcase's comments.
    ["1-100:10", [1, 11, 21, 31, 41, 51, 61, 71, 81, 91]],
    ["50, 60-100:5, 1-10", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 50, 60, 65, 70, 75, 80, 85, 90, 95, 100]],
    // Negative steps count down from the first number; values still come out ascending.
    ["10-1:-3", [1, 4, 7, 10]],
    ["5--5:-5", [-5, 0, 5]],
    ["7", [7]],
    ["\t3 ,1", [1, 3]],
  ])("%s → %j", (expr, expected) => {
    expect(values(expr)).toEqual(expected);
  });

  it.each([
    ["1-x", '"1-x" is not a range expression: "1-x" is not an integer, "a-b" or "a-b:step"'],
    ["", '"" is not a range expression: "" is not an integer, "a-b" or "a-b:step"'],
    ["1-10:4,10-15", '"1-10:4,10-15": ranges "1-10:4" and "10-15" overlap'],
    ["1-10:0", '"1-10:0": the step in "1-10:0" must not be zero'],
    ["1,,2", '"1,,2" is not a range expression: "" is not an integer, "a-b" or "a-b:step"'],
    ["3,3", '"3,3": ranges "3" and "3" overlap'],
    ["1.5-3", '"1.5-3" is not a range expression: "1.5-3" is not an integer, "a-b" or "a-b:step"'],
  ])("rejects %j", (expr, message) => {
    expect(() => parseRangeExpr(expr)).toThrow(message);
  });

  it("finds the i-th of 100,000 frames without listing them", () => {
    const segments = parseRangeExpr("1-100000");
    expect(segments).toHaveLength(1);
    expect(rangeLength(segments)).toBe(100_000);
    expect(rangeValueAt(segments, 0)).toBe(1);
    expect(rangeValueAt(segments, 54_321)).toBe(54_322);
    expect(rangeValueAt(segments, 99_999)).toBe(100_000);
    expect(() => rangeValueAt(segments, 100_000)).toThrow(RangeError);
  });

  it("indexes like the materialized, sorted list of values (property)", () => {
    const element = fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 12 }), fc.integer({ min: 1, max: 4 }), fc.boolean());
    fc.assert(fc.property(fc.array(element, { minLength: 1, maxLength: 6 }), (elements) => {
      // Place elements in disjoint windows of width 100 so they never overlap, then shuffle order.
      const parts: string[] = [];
      const expected: number[] = [];
      elements.forEach(([offset, len, step, down], k) => {
        const lo = k * 100 + offset;
        const hi = lo + len;
        parts.push(down ? `${hi}-${lo}:-${step}` : `${lo}-${hi}:${step}`);
        for (let v = down ? hi : lo; down ? v >= lo : v <= hi; v += down ? -step : step) expected.push(v);
      });
      expected.sort((a, b) => a - b);
      expect(values(parts.reverse().join(","))).toEqual(expected);
    }));
  });

  it("writes chunks compactly", () => {
    expect(compactRangeExpr([1, 2, 3, 5, 7, 8])).toBe("1-3,5,7-8");
    expect(compactRangeExpr([4])).toBe("4");
  });
});
