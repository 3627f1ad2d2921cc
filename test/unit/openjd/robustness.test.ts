import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OpenJdError, instantiateJob, parseDocumentText } from "../../../lib/openjd/index.ts";
import { openjdData } from "./openjd-data.ts";

/** Bad input must always become an OpenJdError (a 400), never a crash (a 500). */
function outcome(doc: unknown, values: Record<string, unknown> = {}): "ok" | "rejected" {
  try {
    instantiateJob(doc, values);
    return "ok";
  } catch (err) {
    if (err instanceof OpenJdError) return "rejected";
    throw err;
  }
}

const base = parseDocumentText(readFileSync(join(openjdData, "openjd-specifications/samples/v2023-09/job_templates/task-parameter-definition-showcase.yaml"), "utf8"));

/** Replaces the value at a random path of `doc` with `replacement`. */
function mutate(doc: unknown, choices: number[], replacement: unknown): unknown {
  if (doc === null || typeof doc !== "object" || choices.length === 0) return replacement;
  const [pick, ...rest] = choices;
  const keys = Object.keys(doc);
  if (keys.length === 0) return replacement;
  const key = keys[pick! % keys.length]!;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(doc) ? [...doc] : { ...(doc as object) };
  (copy as Record<string, unknown>)[key] = mutate((doc as Record<string, unknown>)[key], rest, replacement);
  return copy;
}

describe("robustness", () => {
  it("rejects arbitrary JSON documents cleanly", () => {
    fc.assert(fc.property(fc.jsonValue(), (doc) => {
      expect(outcome(doc)).toBe("rejected");
    }), { numRuns: 300 });
  });

  it("rejects or accepts a real template with any one field replaced, but never crashes", () => {
    fc.assert(fc.property(
      fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
      fc.oneof(fc.jsonValue(), fc.constantFrom("{{Param.Nope}}", "{{", "1-x", "CHUNK[INT]", "(A, B", "", -1, 1e308)),
      (choices, replacement) => {
        outcome(mutate(base, choices, replacement), { PathValue: "/p" });
      },
    ), { numRuns: 500 });
  });

  it("rejects arbitrary parameter values cleanly", () => {
    fc.assert(fc.property(fc.dictionary(fc.constantFrom("IntRange", "IntValue", "FloatValue", "PathValue", "Other"), fc.jsonValue()), (values) => {
      outcome(base, values);
    }), { numRuns: 300 });
  });

  it("rejects garbage text cleanly", () => {
    fc.assert(fc.property(fc.string(), (text) => {
      expect(outcome(text)).toBe("rejected");
    }), { numRuns: 300 });
    expect(outcome("*!")).toBe("rejected"); // an alias to an undefined anchor once crashed toJS
    const bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n";
    expect(() => parseDocumentText(bomb)).toThrow(/is not valid YAML: .*alias/i);
  });
});
