import { describe, expect, it } from "vitest";
import { combinationToString, parseCombination } from "../../../lib/openjd/index.ts";

describe("combination expressions", () => {
  it.each([
    ["A * B", "A * B"],
    ["(A,B)", "(A, B)"],
    ["(A, B) * C", "(A, B) * C"],
    ["(Foo, Bar*Buz)", "(Foo, Bar * Buz)"],
    ["A * ((B, C), D)", "A * ((B, C), D)"],
  ])("parses %j", (source, canonical) => {
    expect(combinationToString(parseCombination(source))).toBe(canonical);
  });

  it("builds a tree of products and associations", () => {
    expect(parseCombination("(Frame, Scene) * Quality")).toEqual({
      kind: "product",
      children: [
        { kind: "assoc", children: [{ kind: "name", name: "Frame" }, { kind: "name", name: "Scene" }] },
        { kind: "name", name: "Quality" },
      ],
    });
  });

  it.each([
    ["A *", 'expected a parameter name or "(" but found end of expression'],
    ["(A, B", 'expected "," or ")" but found end of expression'],
    ["A B", 'unexpected "B" at offset 2'],
    ["A + B", 'unexpected character "+" at offset 2'],
    ["", "expression is empty"],
    // Parentheses always make an association (reference parser), so one term is an error.
    ["(A) * B", 'association "(A)" must have more than one term'],
    ["(A * B)", 'association "(A * B)" must have more than one term'],
  ])("rejects %j", (source, message) => {
    expect(() => parseCombination(source)).toThrow(message);
  });
});
