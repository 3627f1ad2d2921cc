import { describe, expect, it } from "vitest";
import type { Plan } from "../../../lib/planner/index.ts";
import { computeBounds, metricsOf, policyByName, simulate, type PlanFn } from "../../../lib/sim/index.ts";
import { HOUR, T0, client, gpuNode, job, node, offer, scenario } from "./tiny.ts";

function run(sc: ReturnType<typeof scenario>, policy: string, planFn?: PlanFn) {
  const p = policyByName(policy);
  const res = simulate(sc, planFn ?? p.planFn, p.policy, policy);
  return { res, row: metricsOf(res, computeBounds(sc)) };
}

describe("preview latency has one denominator for every policy", () => {
  // One node; a 4 h best-effort job of high priority and a 2-frame job due at 2 h, both at 0.
  const sc = scenario({
    nodes: [node("n1")],
    jobs: [job({ id: "big", tasks: 1, taskSec: 4 * 3600, priority: 90 }), job({ id: "j", tasks: 2, taskSec: 3600, priority: 10, due: T0 + 2 * HOUR })],
  });

  it("a policy that finishes late cannot score a low preview latency", () => {
    // Priority runs big first: j's first frame at 5 h, 250% of its 2 h window (the old metric,
    // first frame ÷ finish, gave it 5 h ÷ 6 h = 83%).
    const late = run(sc, "priority").row;
    expect(late.misses).toBe(1);
    expect(late.preview_latency_pct).toBeCloseTo(250, 3);
    expect(late.first_frame_min).toBeCloseTo(300, 3);
    // EDF serves j first: its first frame at 1 h, 50%.
    expect(run(sc, "edf").row).toMatchObject({ preview_latency_pct: 50, first_frame_min: 60, misses: 0 });
  });

  it("a job with no frame by the horizon counts with its frame at the horizon", () => {
    const short = { ...sc, endAt: T0 + 3 * HOUR };
    const { res, row } = run(short, "priority");
    expect(res.jobs.find((j) => j.id === "j")!.firstOutputAt).toBeNull();
    expect(row.preview_latency_pct).toBeCloseTo(150, 3);
    expect(row.first_frame_min).toBeCloseTo(180, 3);
  });
});

describe("utilization over one horizon", () => {
  it("asleep nodes are not available capacity", () => {
    const sc = scenario({ nodes: [node("n1"), node("n2")], jobs: [job({ id: "j", tasks: 3, taskSec: 3600 })] });
    const fifo = policyByName("fifo").planFn;
    // A policy that powers n2 down at the start and runs everything on n1.
    let first = true;
    const sleepy: PlanFn = (snap, pol, now) => {
      const p: Plan = fifo({ ...snap, nodes: snap.nodes.filter((n) => n.id !== "n2") }, pol, now);
      if (first) { first = false; return { ...p, nodeActions: [{ nodeId: "n2", action: "power-down", reason: "test" }] }; }
      return p;
    };
    const { row } = run(sc, "fifo", sleepy);
    // n1 busy 3 h of 12 h, n2 asleep all 12 h: 3 ÷ 12, not 3 ÷ 24.
    expect(row.utilization).toBeCloseTo(3 / 12, 3);
    // The same work on both nodes awake: 3 busy hours of 24 available.
    expect(run(sc, "fifo").row.utilization).toBeCloseTo(3 / 24, 3);
  });
});

describe("edf-autoscale sizes its burst by the EDF deficit", () => {
  it("rents exactly the nodes the deficit needs and meets the deadline", () => {
    // 6 one-hour frames due in 3 h on one node: 3 h fit, 3 h do not. A node booted in 300 s
    // works 3 h − 300 s, so the deficit needs ⌈10800 ÷ 10500⌉ = 2 nodes.
    const sc = scenario({
      nodes: [node("n1")], clients: [client("A", { cloudAllowed: true, cloudBudgetLeft: 100 })],
      cloudOffers: [offer({ bootSec: 300, speed: {} })],
      jobs: [job({ id: "j", tasks: 6, taskSec: 3600, cloud: true, due: T0 + 3 * HOUR })],
    });
    const p = policyByName("edf-autoscale");
    const bursts: number[] = [];
    const spy: PlanFn = (snap, pol, now) => { const plan = p.planFn(snap, pol, now); bursts.push(...plan.burst.map((b) => b.count)); return plan; };
    const { res, row } = run(sc, "edf-autoscale", spy);
    expect(bursts).toEqual([2]);
    expect(row.misses).toBe(0);
    expect(res.jobs[0]!.finishedAt).toBeLessThanOrEqual(T0 + 3 * HOUR);
    // queue-depth rents for every queued task instead.
    expect(run(sc, "queue-depth").row.cloud_cost).toBeGreaterThan(row.cloud_cost);
  });

  it("rents for an earlier burstable job to make room for one that may not burst", () => {
    // One node; A (may burst) and C (may not) both due at 2 h, A first in EDF order. Alone the
    // farm runs A twice, then C late; renting one node for A's deficit lets C finish at 2 h.
    const sc = scenario({
      nodes: [node("n1")], clients: [client("A", { cloudAllowed: true, cloudBudgetLeft: 100 }), client("C")],
      cloudOffers: [offer({ bootSec: 300, speed: {} })],
      jobs: [job({ id: "a", tasks: 2, taskSec: 3600, cloud: true, due: T0 + 2 * HOUR }), job({ id: "c", client: "C", tasks: 1, taskSec: 3600, due: T0 + 2 * HOUR })],
    });
    expect(run(sc, "edf").row.misses).toBe(1);
    const strong = run(sc, "edf-autoscale");
    expect(strong.row.misses).toBe(0);
    expect(strong.row.cloud_cost).toBeGreaterThan(0);
  });

  it("lends a waiting job's deadline to the job it waits on", () => {
    // One node: base (best effort) blocks urgent (due 4.5 h); other is due at 6 h. Plain EDF runs
    // other, then base, and urgent ends at 5 h; inheriting the deadline runs base first (urgent
    // then waits one frame of other, pre-assigned while it was still blocked, and ends at 4 h).
    const sc = scenario({
      nodes: [node("n1")],
      jobs: [
        job({ id: "base", tasks: 2, taskSec: 3600 }), job({ id: "urgent", tasks: 1, taskSec: 3600, due: T0 + 4.5 * HOUR, dependsOn: ["base"] }),
        job({ id: "other", tasks: 2, taskSec: 3600, due: T0 + 6 * HOUR }),
      ],
    });
    expect(run(sc, "edf").row.misses).toBe(1);
    expect(run(sc, "edf-autoscale").row).toMatchObject({ misses: 0, cloud_cost: 0 });
  });

  it("does not rent when the farm fits the deadline", () => {
    const sc = scenario({
      nodes: [node("n1"), node("n2")], clients: [client("A", { cloudAllowed: true, cloudBudgetLeft: 100 })], cloudOffers: [offer({ bootSec: 300 })],
      jobs: [job({ id: "j", tasks: 4, taskSec: 3600, cloud: true, due: T0 + 3 * HOUR })],
    });
    expect(run(sc, "edf-autoscale").row).toMatchObject({ misses: 0, cloud_cost: 0 });
  });
});

describe("guarantees: under-served while runnable demand could use free or borrowed capacity", () => {
  it("a client whose deferred work waits counts as under-served", () => {
    // A (guaranteed half) has one job; a policy defers it all day while n2 sits idle.
    const sc = scenario({
      nodes: [node("n1"), node("n2")], clients: [client("A", { guaranteedShare: 0.5 }), client("B")],
      jobs: [job({ id: "b", client: "B", tasks: 1, taskSec: 12 * 3600 }), job({ id: "a", client: "A", tasks: 1, taskSec: 3600 })],
    });
    const fifo = policyByName("fifo").planFn;
    const deferA: PlanFn = (snap, pol, now) => {
      const p = fifo({ ...snap, jobs: snap.jobs.filter((j) => j.clientId !== "A") }, pol, now);
      const held = snap.jobs.filter((j) => j.clientId === "A").map((j) => ({ ...p.jobs[0]!, jobId: j.id, clientId: "A", outcome: "deferred" as const, reason: "test" }));
      return { ...p, jobs: [...p.jobs, ...held] };
    };
    // Under-served for the whole 12 h horizon after the 65 s grace (the old rule exempted it: 0).
    expect(run(sc, "fifo", deferA).row.guarantee_violation_min).toBeCloseTo((12 * 3600 - 65) / 60, 2);
  });

  it("a GPU-only client is not owed CPU slots", () => {
    // G is guaranteed the whole farm but can only use gpu1, which it holds; B runs on cpu1.
    const sc = scenario({
      nodes: [node("cpu1"), gpuNode("gpu1")], clients: [client("G", { guaranteedShare: 1 }), client("B")],
      jobs: [job({ id: "a-gpu", client: "G", tasks: 3, taskSec: 3600, gpu: true }), job({ id: "b", client: "B", tasks: 3, taskSec: 3600 })],
    });
    const { res, row } = run(sc, "fifo");
    expect(res.jobs.every((j) => j.finishedAt === T0 + 3 * HOUR)).toBe(true);
    expect(row.guarantee_violation_min).toBe(0);
  });
});
