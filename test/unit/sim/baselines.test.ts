import { describe, expect, it } from "vitest";
import { aClient, aJob, aNode, anOffer, aSnapshot, defaultPolicyFor, HOUR, MIN, T0 } from "./baseline-fixtures.ts";
import { edf } from "../../../lib/sim/baselines/edf.ts";
import { fifo } from "../../../lib/sim/baselines/fifo.ts";
import { opencue } from "../../../lib/sim/baselines/opencue.ts";
import { priority } from "../../../lib/sim/baselines/priority.ts";
import { queueDepth } from "../../../lib/sim/baselines/queue-depth.ts";
import { weighted } from "../../../lib/sim/baselines/weighted.ts";

const policy = defaultPolicyFor();
const oneNode = [aNode("n1").build()];

/** Which job each free slot went to, in node order. */
const firstJobs = (p: ReturnType<typeof fifo>) => p.assignments.filter((a) => !a.queued).map((a) => a.jobId);

describe("baseline orderings on one free node", () => {
  const early = aJob("early").submitted(T0 - 2 * HOUR).priority(10).due(T0 + 9 * HOUR).tasks(1).build();
  const urgent = aJob("urgent").submitted(T0 - HOUR).priority(20).due(T0 + 2 * HOUR).tasks(1).build();
  const vip = aJob("vip").submitted(T0 - 30 * MIN).priority(90).due(null).tasks(1).build();
  const snap = aSnapshot({ nodes: oneNode, jobs: [vip, urgent, early] });

  it("fifo takes the earliest submission", () => {
    expect(firstJobs(fifo(snap, policy, T0))).toEqual(["early"]);
  });

  it("priority takes the highest priority, then the earliest submission", () => {
    expect(firstJobs(priority(snap, policy, T0))).toEqual(["vip"]);
    const tie = aSnapshot({ nodes: oneNode, jobs: [aJob("late").submitted(T0 - MIN).tasks(1).build(), aJob("first").submitted(T0 - HOUR).tasks(1).build()] });
    expect(firstJobs(priority(tie, policy, T0))).toEqual(["first"]);
  });

  it("edf takes the earliest deadline and puts jobs without one last", () => {
    expect(firstJobs(edf(snap, policy, T0))).toEqual(["urgent"]);
    const none = aSnapshot({ nodes: oneNode, jobs: [vip, early] });
    expect(firstJobs(edf(none, policy, T0))).toEqual(["early"]);
  });

  it("weighted follows Deadline Cloud's formula: 80 priority points beat 90 minutes of age", () => {
    // vip: 90×100 + 1800×3 = 14,400; early: 10×100 + 7200×3 = 22,600 → early wins on age.
    expect(firstJobs(weighted(snap, policy, T0))).toEqual(["early"]);
    const fresh = aSnapshot({ nodes: oneNode, jobs: [vip, aJob("old").submitted(T0 - 20 * MIN).priority(10).tasks(1).build()] });
    expect(firstJobs(weighted(fresh, policy, T0))).toEqual(["vip"]);
  });

  it("weighted spreads workers evenly between equal jobs (rendering-task weight)", () => {
    const a = aJob("a").submitted(T0).tasks(4).build();
    const b = aJob("b").submitted(T0).tasks(4).build();
    const p = weighted(aSnapshot({ nodes: [aNode("n1").build(), aNode("n2").build(), aNode("n3").build(), aNode("n4").build()], jobs: [a, b] }), policy, T0);
    expect(firstJobs(p).sort()).toEqual(["a", "a", "b", "b"]);
  });
});

describe("opencue subscriptions", () => {
  it("serves the client furthest below its size first and stops a client at its burst", () => {
    const clients = [aClient("A", { guaranteedShare: 0.5, maxShare: 0.5 }), aClient("B", { guaranteedShare: 0.5, maxShare: 1 })];
    const nodes = [aNode("n1").running({ jobId: "a0" }).build(), aNode("n2").build(), aNode("n3").build(), aNode("n4").build()];
    const jobs = [aJob("a0").forClient("A").priority(99).tasks(10).build(), aJob("b0").forClient("B").priority(1).tasks(10).build()];
    const p = opencue(aSnapshot({ nodes, jobs, clients }), policy, T0);
    // A holds 1 of its size 2 and its burst is 2: one more for A, the rest to B.
    expect(firstJobs(p)).toEqual(["b0", "a0", "b0"]);
  });
});

describe("hard requirements and cloud in the baselines", () => {
  it("never puts GPU work on a CPU node, even kind-blind", () => {
    const gpuJob = aJob("g").requires({ minGpuCount: 1 }).tasks(2).build();
    const p = fifo(aSnapshot({ nodes: [aNode("cpu").build(), aNode("gpu").gpu(1).build()], jobs: [gpuJob] }), policy, T0);
    expect(p.assignments.map((a) => a.nodeId)).toEqual(["gpu"]);
    expect(p.jobs[0]!.outcome).toBe("placed");
  });

  it("queue-depth asks for one spot node per queued cloud-eligible task, at most 10 per cycle", () => {
    const offers = [anOffer("big", { spotPricePerHour: 0.9 }), anOffer("cheap", { spotPricePerHour: 0.3 })];
    const jobs = [aJob("c").tasks(20).build(), aJob("local").noCloud().tasks(5).build()];
    const p = queueDepth(aSnapshot({ nodes: oneNode, jobs, cloudOffers: offers }), policy, T0);
    expect(p.burst).toHaveLength(1);
    expect(p.burst[0]).toMatchObject({ clientId: "A", instanceType: "cheap", market: "spot", count: 10, jobIds: ["c"] });
  });

  it("queue-depth releases cloud nodes idle for the idle timeout", () => {
    const idle = aNode("cl1").cloud("cheap", "spot", 0.3, "A").idleSince(T0 - 301_000).build();
    const fresh = aNode("cl2").cloud("cheap", "spot", 0.3, "A").idleSince(T0 - 10_000).build();
    const p = queueDepth(aSnapshot({ nodes: [idle, fresh], jobs: [] }), policy, T0);
    expect(p.nodeActions).toEqual([expect.objectContaining({ nodeId: "cl1", action: "release" })]);
  });

  it("baselines other than queue-depth never burst", () => {
    const snap = aSnapshot({ nodes: oneNode, jobs: [aJob("c").tasks(50).due(T0 + HOUR).build()], cloudOffers: [anOffer("x")] });
    for (const f of [fifo, priority, edf, opencue, weighted]) expect(f(snap, policy, T0).burst).toEqual([]);
  });
});
