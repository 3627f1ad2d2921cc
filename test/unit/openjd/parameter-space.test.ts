import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { countTasks, expandTasks, framesInTask, instantiateJob, taskAt, type InstantiatedStep } from "../../../lib/openjd/index.ts";

type Param = { name: string; type: string; range: unknown; chunks?: unknown };

function step(params: Param[], combination?: string, extensions?: string[]): InstantiatedStep {
  const template = {
    specificationVersion: "jobtemplate-2023-09",
    ...(extensions && { extensions }),
    name: "T",
    steps: [{
      name: "S",
      parameterSpace: { taskParameterDefinitions: params, ...(combination && { combination }) },
      script: { actions: { onRun: { command: "true" } } },
    }],
  };
  return instantiateJob(template).steps[0]!;
}

const chunked = (range: unknown, defaultTaskCount: number, rangeConstraint = "CONTIGUOUS") =>
  step([{ name: "F", type: "CHUNK[INT]", range, chunks: { defaultTaskCount, rangeConstraint } }], undefined, ["TASK_CHUNKING"]);

describe("parameter spaces", () => {
  it("a step without a parameter space is one task with no parameters", () => {
    const s = instantiateJob({
      specificationVersion: "jobtemplate-2023-09", name: "T",
      steps: [{ name: "S", script: { actions: { onRun: { command: "true" } } } }],
    }).steps[0]!;
    expect(s.taskCount).toBe(1);
    expect(expandTasks(s.parameterSpace)).toEqual([{}]);
  });

  it("products vary the rightmost parameter fastest (the spec's A * B table)", () => {
    const s = step([{ name: "A", type: "INT", range: [1, 2, 3] }, { name: "B", type: "INT", range: [10, 11, 12] }], "A * B");
    expect(expandTasks(s.parameterSpace).slice(0, 4)).toEqual([{ A: 1, B: 10 }, { A: 1, B: 11 }, { A: 1, B: 12 }, { A: 2, B: 10 }]);
  });

  it("associations zip, and nest inside products and vice versa", () => {
    const s = step([
      { name: "Foo", type: "INT", range: "1-4" },
      { name: "Bar", type: "STRING", range: ["one", "two"] },
      { name: "Buz", type: "STRING", range: ["Buz1", "Buz2"] },
    ], "(Foo, Bar * Buz)");
    expect(expandTasks(s.parameterSpace)).toEqual([
      { Foo: 1, Bar: "one", Buz: "Buz1" }, { Foo: 2, Bar: "one", Buz: "Buz2" },
      { Foo: 3, Bar: "two", Buz: "Buz1" }, { Foo: 4, Bar: "two", Buz: "Buz2" },
    ]);
  });

  it("keeps FLOAT and PATH values with their types, a FLOAT written as text keeping its text", () => {
    const s = step([{ name: "Q", type: "FLOAT", range: [0.5, "1.25", 2] }, { name: "P", type: "PATH", range: ["/a", "/b"] }]);
    expect(expandTasks(s.parameterSpace)).toEqual([
      { Q: 0.5, P: "/a" }, { Q: 0.5, P: "/b" }, { Q: "1.25", P: "/a" }, { Q: "1.25", P: "/b" }, { Q: 2, P: "/a" }, { Q: 2, P: "/b" },
    ]);
  });

  it("FLOAT values given as text reach the command line as written (as the reference)", () => {
    const s = step([{ name: "Q", type: "FLOAT", range: ["2.50", "10.0", "1.0000000000000001"] }]);
    expect(expandTasks(s.parameterSpace).map((t) => t.Q)).toEqual(["2.50", "10.0", "1.0000000000000001"]);
  });

  it("refuses integers beyond 2^53 with a message that says so", () => {
    expect(() => step([{ name: "F", type: "INT", range: ["9223372036854775807"] }])).toThrow(/"9223372036854775807" is outside ±9007199254740991/);
    expect(() => step([{ name: "F", type: "INT", range: [9223372036854775807] }])).toThrow(/9223372036854775808 \(as parsed\) is outside ±9007199254740991/);
  });

  it("handles a 100,000-task step by index, and the space stays a few numbers", () => {
    const s = step([
      { name: "Frame", type: "INT", range: "1-10000" },
      { name: "Layer", type: "STRING", range: ["beauty", "shadow", "ao", "depth", "mask", "fg", "bg", "fx", "crypto", "motion"] },
    ]);
    expect(s.taskCount).toBe(100_000);
    expect(countTasks(s.parameterSpace)).toBe(100_000);
    expect(JSON.stringify(s.parameterSpace).length).toBeLessThan(400);
    expect(taskAt(s.parameterSpace, 0)).toEqual({ Frame: 1, Layer: "beauty" });
    expect(taskAt(s.parameterSpace, 12_345)).toEqual({ Frame: 1235, Layer: "fg" });
    expect(taskAt(s.parameterSpace, 99_999)).toEqual({ Frame: 10_000, Layer: "motion" });
    expect(() => taskAt(s.parameterSpace, 100_000)).toThrow("task index 100000 is outside 0..99999");
    // A round trip through JSON (how the backend stores it) gives the same tasks.
    const stored = JSON.parse(JSON.stringify(s.parameterSpace));
    expect(taskAt(stored, 54_321)).toEqual(taskAt(s.parameterSpace, 54_321));
  });

  it("taskAt agrees with a naive cartesian expansion (property)", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), (a, b, c) => {
      const s = step([
        { name: "A", type: "INT", range: `1-${a}` },
        { name: "B", type: "INT", range: Array.from({ length: b }, (_, i) => i * 10) },
        { name: "C", type: "STRING", range: Array.from({ length: c }, (_, i) => `c${i}`) },
      ], "A * B * C");
      const naive = [];
      for (let x = 1; x <= a; x++) for (let y = 0; y < b; y++) for (let z = 0; z < c; z++) naive.push({ A: x, B: y * 10, C: `c${z}` });
      expect(expandTasks(s.parameterSpace)).toEqual(naive);
    }));
  });
});

describe("task chunking", () => {
  it("spreads contiguous chunks evenly (conformance: 1-12 by 5 → 1-4, 5-8, 9-12)", () => {
    expect(expandTasks(chunked("1-12", 5).parameterSpace)).toEqual([{ F: "1-4" }, { F: "5-8" }, { F: "9-12" }]);
    expect(expandTasks(chunked("1-11", 5).parameterSpace).map((t) => t["F"])).toEqual(["1-4", "5-8", "9-11"]);
  });

  it("never lets a contiguous chunk span a gap", () => {
    expect(expandTasks(chunked("1-3,10-12", 5).parameterSpace).map((t) => t["F"])).toEqual(["1-3", "10-12"]);
    expect(expandTasks(chunked("1-9:4,10-11", 5).parameterSpace).map((t) => t["F"])).toEqual(["1-1", "5-5", "9-11"]);
  });

  it("groups noncontiguous values into range expressions", () => {
    expect(expandTasks(chunked("1-3,10-12", 4, "NONCONTIGUOUS").parameterSpace).map((t) => t["F"])).toEqual(["1-3", "10-12"]);
    expect(expandTasks(chunked([1, 3, 5, 7, 8], 5, "NONCONTIGUOUS").parameterSpace).map((t) => t["F"])).toEqual(["1,3,5,7-8"]);
  });

  it("chunks 100,000 frames by 10 without listing them; framesPerTask is the chunk size", () => {
    const s = chunked("1-100000", 10);
    expect(s.taskCount).toBe(10_000);
    expect(s.framesPerTask).toBe(10);
    expect(taskAt(s.parameterSpace, 0)).toEqual({ F: "1-10" });
    expect(taskAt(s.parameterSpace, 9_999)).toEqual({ F: "99991-100000" });
  });

  it("every frame lands in exactly one chunk (property)", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 3 }), (n, size, step) => {
      const s = chunked(`1-${n}:${step}`, size, step === 1 ? "CONTIGUOUS" : "NONCONTIGUOUS");
      const covered = expandTasks(s.parameterSpace).flatMap((t) => String(t["F"]).split(",").flatMap((part) => {
        const [lo, hi] = part.split("-").map(Number);
        return Array.from({ length: (hi ?? lo!) - lo! + 1 }, (_, i) => lo! + i).filter((v) => (v - 1) % step === 0);
      }));
      const expected = Array.from({ length: Math.floor((n - 1) / step) + 1 }, (_, i) => 1 + i * step);
      expect(covered).toEqual(expected);
    }));
  });
});

describe("frames per task", () => {
  it("counts the frames of each chunk; unchunked tasks hold one frame", () => {
    const s = chunked("1-11", 5);
    expect([0, 1, 2].map((i) => framesInTask(s.parameterSpace, i))).toEqual([4, 4, 3]);
    const plain = step([{ name: "A", type: "INT", range: "1-3" }]);
    expect(framesInTask(plain.parameterSpace, 2)).toBe(1);
  });

  it("takes the chunk size from a job parameter and checks it", () => {
    const template = (count: string) => `
specificationVersion: jobtemplate-2023-09
extensions: [TASK_CHUNKING]
name: x
parameterDefinitions: [{name: ChunkSize, type: INT, default: ${count}}]
steps:
- name: A
  parameterSpace:
    taskParameterDefinitions:
    - {name: F, type: "CHUNK[INT]", range: "1-100", chunks: {defaultTaskCount: "{{Param.ChunkSize}}", rangeConstraint: CONTIGUOUS}}
  script: {actions: {onRun: {command: x}}}
`;
    const job = instantiateJob(template("25"));
    expect(job.steps[0]!.taskCount).toBe(4);
    expect(job.steps[0]!.framesPerTask).toBe(25);
    expect(() => instantiateJob(template("0"))).toThrow(
      'steps[0].parameterSpace.taskParameterDefinitions[0].chunks.defaultTaskCount: resolves to "0", which is not an integer ≥ 1',
    );
  });
});

describe("adaptive chunking (targetRuntimeSeconds)", () => {
  const chunks = (extra: Record<string, unknown>) => {
    const s = step([{ name: "F", type: "CHUNK[INT]", range: "1-35", chunks: { defaultTaskCount: 10, rangeConstraint: "CONTIGUOUS", ...extra } }], undefined, ["TASK_CHUNKING"]);
    return expandTasks(s.parameterSpace).map((t) => t.F);
  };
  it("cuts full chunks first and leaves the remainder last, as the reference does", () => {
    expect(chunks({ targetRuntimeSeconds: 60 })).toEqual(["1-10", "11-20", "21-30", "31-35"]);
  });
  it("still spreads static chunks evenly (conformance vectors)", () => {
    expect(chunks({})).toEqual(["1-9", "10-18", "19-27", "28-35"]);
  });
});
