/**
 * buildClasses joins a node to a class by field comparison (matching/same-class.ts) instead of
 * building its key: the classes must be exactly those of grouping by classKey, in the same order.
 */
import { describe, expect, it } from "vitest";
import { buildClasses, classKey, Eligibility } from "../../../lib/planner/matching/node-classes.ts";
import { requirementsKey } from "../../../lib/planner/matching/requirements.ts";
import type { FarmNode, Requirements } from "../../../lib/planner/types.ts";
import { generateFarm } from "../../builders/farm-generator.ts";

function byKey(nodes: readonly FarmNode[]): string[][] {
  const m = new Map<string, string[]>();
  for (const n of nodes) { const k = classKey(n); if (!m.has(k)) m.set(k, []); m.get(k)!.push(n.id); }
  return [...m.values()];
}

describe("buildClasses", () => {
  it("groups exactly as the class keys do, also for reordered tags, amounts and speeds", () => {
    const { snapshot } = generateFarm({ tasks: 2_000, nodes: 300, seed: 3, extras: true });
    const nodes = structuredClone(snapshot.nodes);
    // Variants that share a key with a differently built node, and ones that differ only slightly.
    nodes.forEach((n, i) => {
      if (i % 7 === 1) n.tags = [...n.tags].reverse();
      if (i % 11 === 2) n.speed = Object.fromEntries(Object.entries(n.speed).reverse());
      if (i % 13 === 3) n.capabilities = { ...n.capabilities, amounts: i % 2 ? { a: 1, b: 2 } : { b: 2, a: 1 } };
      if (i % 17 === 4) n.capabilities = { ...n.capabilities, attributes: { lic: i % 2 ? ["x", "y"] : ["x"] } };
      if (i % 19 === 5) n.speed = { ...n.speed, extra: 1.04 + (i % 3) * 0.03 };
      if (i % 23 === 6) n.tags = [n.tags.join(",")];
    });
    const { classes } = buildClasses(nodes);
    expect(classes.map((c) => c.nodes.map((n) => n.id))).toEqual(byKey(nodes));
    expect(classes.map((c) => c.key)).toEqual(classes.map((c) => classKey(c.nodes[0]!)));
    expect(classes.length).toBeGreaterThan(10);
  });

  it("shares one eligibility between requirement sets exactly when their keys are equal", () => {
    const { snapshot } = generateFarm({ tasks: 2_000, nodes: 300, seed: 3, extras: true });
    const { classes } = buildClasses(snapshot.nodes);
    const reqs: Requirements[] = structuredClone(snapshot.jobs.flatMap((j) => j.steps.map((s) => s.requirements)));
    const base = reqs[0]!;
    reqs.push(
      Object.fromEntries(Object.entries(base).reverse()),
      { ...base, amounts: { "amount.a": { min: 1, max: 2 } } },
      { ...base, amounts: { "amount.a": { max: 2, min: 1 } } },
      { ...base, amounts: { "amount.a": { min: 1, max: 2 } } },
      { ...base, attributes: { "attr.x": { anyOf: ["a", "b"] } } },
      { ...base, attributes: { "attr.x": { anyOf: ["b", "a"] } } },
      { ...base, minVcpu: undefined },
      { ...base, gpuModels: ["A10"] },
    );
    const eligibility = new Eligibility(classes);
    const got = reqs.map((r) => eligibility.of(r));
    for (let i = 0; i < reqs.length; i++) {
      for (let j = i + 1; j < reqs.length; j++) {
        expect(got[i] === got[j], `${i} ${j}`).toBe(requirementsKey(reqs[i]!) === requirementsKey(reqs[j]!));
      }
    }
  });
});
