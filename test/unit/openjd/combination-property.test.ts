import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OpenJdError, expandTasks, instantiateJob, taskAt, type TaskParams } from "../../../lib/openjd/index.ts";

type Shape = { leaf: true } | { op: "*" | ","; children: Shape[] };

const shape: fc.Arbitrary<Shape> = fc.letrec<{ node: Shape }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant<Shape>({ leaf: true }),
    fc.record({ op: fc.constantFrom<"*" | ",">("*", ","), children: fc.array(tie("node"), { minLength: 2, maxLength: 3 }) }),
  ),
})).node;

/** Names leaves P0, P1, … left to right; returns the expression text. */
function render(node: Shape, names: { next: number }): string {
  if ("leaf" in node) return `P${names.next++}`;
  const parts = node.children.map((c) => render(c, names));
  // A product nested in a product needs no parentheses: row-major order is associative.
  return node.op === "*" ? parts.join(" * ") : `(${parts.join(", ")})`;
}

/** The obvious, materializing reading of the spec: products row-major, associations zipped. */
function reference(node: Shape, sizes: number[], names: { next: number }): TaskParams[] | "mismatch" {
  if ("leaf" in node) {
    const i = names.next++;
    return Array.from({ length: sizes[i]! }, (_, v) => ({ [`P${i}`]: v + 1 }));
  }
  const lists = node.children.map((c) => reference(c, sizes, names));
  if (lists.includes("mismatch")) return "mismatch";
  const ls = lists as TaskParams[][];
  if (node.op === ",") {
    if (ls.some((l) => l.length !== ls[0]!.length)) return "mismatch";
    return ls[0]!.map((_, k) => Object.assign({}, ...ls.map((l) => l[k])));
  }
  return ls.reduce<TaskParams[]>((acc, l) => acc.flatMap((a) => l.map((b) => ({ ...a, ...b }))), [{}]);
}

const leaves = (node: Shape): number => ("leaf" in node ? 1 : node.children.reduce((n, c) => n + leaves(c), 0));

describe("combination expressions against a materializing reference (property)", () => {
  it("taskAt matches the reference for every index, and mismatched associations are rejected", () => {
    fc.assert(fc.property(
      shape.filter((s) => leaves(s) <= 8),
      fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 8, maxLength: 8 }),
      (tree, sizes) => {
        const n = leaves(tree);
        const combination = render(tree, { next: 0 });
        const params = Array.from({ length: n }, (_, i) => ({ name: `P${i}`, type: "INT", range: `1-${sizes[i]}` }));
        const template = {
          specificationVersion: "jobtemplate-2023-09", name: "T",
          steps: [{ name: "S", parameterSpace: { taskParameterDefinitions: params, combination }, script: { actions: { onRun: { command: "x" } } } }],
        };
        const expected = reference(tree, sizes, { next: 0 });
        if (expected === "mismatch") {
          expect(() => instantiateJob(template)).toThrow(OpenJdError);
          return;
        }
        const space = instantiateJob(template).steps[0]!.parameterSpace;
        expect(expandTasks(space)).toEqual(expected);
        expect(taskAt(space, expected.length - 1)).toEqual(expected[expected.length - 1]);
      },
    ), { numRuns: 300 });
  });
});
