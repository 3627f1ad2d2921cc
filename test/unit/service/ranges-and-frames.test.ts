import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addIndex, countRanges, rangesContain, removeIndex } from "../../../lib/service/ranges.ts";
import { everyNth, frameCount, framesAt, parseFrames } from "../../../lib/service/frames.ts";
import { checkStepGraph } from "../../../lib/service/step-graph.ts";
import { ValidationError } from "../../../lib/service/errors.ts";
import { parseJobSpec } from "../../../lib/service/job-spec.ts";

describe("index ranges", () => {
  it("behave like a set of indices under any adds and removes", () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.boolean(), fc.nat(40)), { maxLength: 60 }), (ops) => {
      let ranges = [{ from: 0, to: 20 }];
      const model = new Set(Array.from({ length: 21 }, (_, i) => i));
      for (const [add, i] of ops) {
        ranges = add ? addIndex(ranges, i) : removeIndex(ranges, i);
        if (add) model.add(i); else model.delete(i);
      }
      expect(countRanges(ranges)).toBe(model.size);
      for (let i = 0; i <= 40; i++) expect(rangesContain(ranges, i)).toBe(model.has(i));
      // Sorted, disjoint, not adjacent (kept merged).
      for (let k = 1; k < ranges.length; k++) expect(ranges[k]!.from).toBeGreaterThan(ranges[k - 1]!.to + 1);
    }), { numRuns: 200 });
  });
});

describe("frame lists", () => {
  it("parse ranges, steps and lists", () => {
    const f = parseFrames("1-10:3, 20, 30-31", "frames");
    expect(frameCount(f)).toBe(4 + 1 + 2);
    expect(framesAt(f, 0, 10)).toEqual([1, 4, 7, 10, 20, 30, 31]);
    expect(framesAt(f, 3, 2)).toEqual([10, 20]);
    expect(framesAt(everyNth(parseFrames("1-100", "f"), 10), 0, 100)).toEqual([1, 11, 21, 31, 41, 51, 61, 71, 81, 91]);
  });

  it("name the field when a range is backwards or too large", () => {
    expect(() => parseFrames("9-1", "steps[2].frames")).toThrow(/steps\[2\]\.frames: range 9-1 ends before it starts/);
    expect(() => parseFrames({ start: 0, end: 5_000_000, step: 1 }, "frames")).toThrow(ValidationError);
  });
});

describe("step graph", () => {
  it("names unknown steps and cycles", () => {
    expect(() => checkStepGraph([{ name: "a", dependsOn: ["b"] }])).toThrow(/steps\[0\]\.dependsOn\[0\]: no step named "b"/);
    expect(() => checkStepGraph([{ name: "a", dependsOn: ["a"] }])).toThrow(/cycle: a → a/);
    expect(() => checkStepGraph([{ name: "a", dependsOn: [] }, { name: "b", dependsOn: ["a"] }])).not.toThrow();
  });
});

describe("the native job form", () => {
  it("fills defaults", () => {
    expect(parseJobSpec({ name: "x", frames: "1-3", secondsPerFrame: 5 })).toMatchObject({
      priority: 50, deadline: null, chunkSize: 1, kind: "render-cpu", cloudAllowed: true,
      preview: { previewFirst: true, lowQualityPass: null, requireApproval: false },
    });
  });

  it("names nested fields", () => {
    expect(() => parseJobSpec({ name: "x", frames: "1", secondsPerFrame: 5, requirements: { os: ["beos"] } })).toThrow(/requirements\.os\[0\]/);
    expect(() => parseJobSpec({ name: "x", frames: "1", secondsPerFrame: 5, deadline: "friday" })).toThrow(/^deadline:/);
  });
});
