import { describe, expect, it } from "vitest";
import { defaultPolicy, plan } from "../../../lib/planner/index.ts";
import { requirementsKey } from "../../../lib/planner/matching/requirements.ts";
import { HOUR, T0, aJob, aNode, aSnapshot, anOffer, nodes } from "../../builders/planner.ts";

describe("specialization", () => {
  it("filters on hard requirements: GPU count, OS and OpenJD amounts/attributes", () => {
    const farm = [
      aNode("cpu").build(),
      aNode("gpu").gpu(2, "A40", 48).build(),
      aNode("win").os("windows").build(),
      aNode("lic").build(),
    ];
    farm[3]!.capabilities.attributes = { "attr.worker.license.houdini": ["yes"] };
    farm[3]!.capabilities.amounts = { "amount.worker.disk.scratch": 500 };
    const snap = aSnapshot({
      jobs: [
        aJob("gpu-job").requires({ minGpuCount: 1, minGpuMemoryGiB: 24 }).tasks(1).build(),
        aJob("win-job").requires({ os: ["windows"] }).tasks(1).build(),
        aJob("houdini").requires({ attributes: { "attr.worker.license.houdini": { anyOf: ["yes"] } }, amounts: { "amount.worker.disk.scratch": { min: 100 } } }).tasks(1).build(),
      ],
      nodes: farm,
    });
    const where = Object.fromEntries(plan(snap, defaultPolicy, T0).assignments.map((a) => [a.jobId, a.nodeId]));
    expect(where).toEqual({ "gpu-job": "gpu", "win-job": "win", houdini: "lic" });
  });

  it("names the missing capability when no node can run a job", () => {
    const snap = aSnapshot({ jobs: [aJob("big").requires({ minGpuCount: 8 }).tasks(3).noCloud().build()], nodes: nodes("n", 2) });
    const d = plan(snap, defaultPolicy, T0).jobs[0]!;
    expect(d.outcome).toBe("unplaceable");
    expect(d.reason).toBe('unplaceable: step "render" needs 8 GPU, which no node has');
  });

  it("keeps GPU boxes for GPU work: CPU work takes the best-fitting node", () => {
    const snap = aSnapshot({
      jobs: [aJob("cpu-job").due(T0 + 5 * HOUR).tasks(2).build(), aJob("gpu-job").kind("render-gpu").requires({ minGpuCount: 1 }).due(T0 + 9 * HOUR).tasks(2).build()],
      nodes: [aNode("g0").gpu(1).build(), aNode("g1").gpu(1).build(), aNode("c0").build(), aNode("c1").build()],
    });
    const where = plan(snap, defaultPolicy, T0).assignments.map((a) => `${a.jobId}@${a.nodeId}`).sort();
    expect(where).toEqual(["cpu-job@c0", "cpu-job@c1", "gpu-job@g0", "gpu-job@g1"]);
  });

  it("sends each kind to the class it is comparatively fastest on (soft affinity)", () => {
    const fastSim = (b: ReturnType<typeof aNode>) => b.speed("sim", 3).speed("render-cpu", 1.2).tags("sim");
    const snap = aSnapshot({
      jobs: [aJob("render").kind("render-cpu").due(T0 + 3 * HOUR).tasks(2).build(), aJob("sim").kind("sim").due(T0 + 9 * HOUR).tasks(2).build()],
      nodes: [...nodes("fast", 2, fastSim), ...nodes("std", 2)],
    });
    const p = plan(snap, defaultPolicy, T0);
    // render ranks first, yet leaves the sim boxes to sim: its advantage there is small.
    expect(p.assignments.filter((a) => a.jobId === "sim").map((a) => a.nodeId).sort()).toEqual(["fast000", "fast001"]);
    expect(p.assignments.find((a) => a.jobId === "sim")!.estimatedSec).toBe(200);
  });

  it("never gives a job to a node on its blocklist, by hand or after repeated failures", () => {
    const snap = aSnapshot({
      jobs: [aJob("j").tasks(5).build()],
      nodes: [aNode("bad").blocklist("j").build(), aNode("flaky").failures({ j: 3 }).build(), aNode("ok").build()],
    });
    expect(plan(snap, defaultPolicy, T0).assignments.map((a) => a.nodeId)).toEqual(["ok"]);
  });

  it("never assigns more than a node's free slots, and pre-assigns behind tasks ending soon", () => {
    const snap = aSnapshot({
      jobs: [aJob("j").tasks(20).build()],
      nodes: [aNode("two").slots(2).build(), aNode("busy").running({ jobId: "x", expectedEndAt: T0 + 30_000 }).build(), aNode("long").running({ jobId: "x", expectedEndAt: T0 + HOUR }).build()],
    });
    const p = plan(snap, defaultPolicy, T0);
    expect(p.assignments.map((a) => [a.nodeId, a.queued])).toEqual([["two", false], ["two", false], ["busy", true]]);
  });
});

describe("cloud nodes at risk (spot rebalance recommendation)", () => {
  it("gives a node with maxTaskSec only tasks that fit, and the long ones to other nodes", () => {
    const risky = { ...aNode("spot-1").build(), pool: "cloud" as const, maxTaskSec: 600 };
    const snap = aSnapshot({
      jobs: [aJob("long").due(T0 + 3 * HOUR).tasks(2, 1800).build(), aJob("short").due(T0 + 6 * HOUR).tasks(1, 300).build()],
      nodes: [risky, aNode("n0").build(), aNode("n1").build()],
    });
    const where = plan(snap, defaultPolicy, T0).assignments.filter((a) => !a.queued).map((a) => `${a.jobId}@${a.nodeId}`).sort();
    expect(where).toEqual(["long@n0", "long@n1", "short@spot-1"]);
  });

  it("leaves it idle rather than start a task it would likely lose", () => {
    const risky = { ...aNode("spot-1").build(), pool: "cloud" as const, maxTaskSec: 600 };
    const snap = aSnapshot({ jobs: [aJob("long").due(T0 + 3 * HOUR).tasks(3, 1800).build()], nodes: [risky] });
    expect(plan(snap, defaultPolicy, T0).assignments).toEqual([]);
  });
});

describe("a replacement for a node at risk", () => {
  it("rents cloud capacity when a deadline counted on a node that got a rebalance recommendation", () => {
    const farm = (risky: boolean) => [aNode("n0").build(), { ...aNode("spot-1").build(), pool: "cloud" as const, ...(risky ? { maxTaskSec: 600 } : {}) }];
    const job = aJob("due").due(T0 + 2 * HOUR).tasks(6, 1800).build();
    const cloudOffers = [anOffer("c6i.8xlarge", { bootSec: 180 })];
    expect(plan(aSnapshot({ jobs: [job], nodes: farm(false), cloudOffers }), defaultPolicy, T0).burst).toEqual([]);
    const risky = plan(aSnapshot({ jobs: [job], nodes: farm(true), cloudOffers }), defaultPolicy, T0);
    expect(risky.burst.length).toBeGreaterThan(0);
    expect(risky.burst[0]!.jobIds).toEqual(["due"]);
  });
});

describe("requirement-set keys", () => {
  it("tell apart requirement sets that differ only in nested amounts or attributes", () => {
    const a = requirementsKey({ amounts: { "amount.worker.disk.scratch": { min: 100 } } });
    const b = requirementsKey({ amounts: { "amount.worker.disk.scratch": { min: 500 } } });
    const c = requirementsKey({ attributes: { "attr.worker.license.houdini": { anyOf: ["yes"] } } });
    const d = requirementsKey({ attributes: { "attr.worker.license.nuke": { anyOf: ["yes"] } } });
    expect(a).not.toBe(b);
    expect(c).not.toBe(d);
    expect(requirementsKey({ os: ["linux"], minVcpu: 8 })).toBe(requirementsKey({ minVcpu: 8, os: ["linux"] }));
  });
});
