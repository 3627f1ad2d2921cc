/**
 * The LP model of record (lib/planner/lp/groups.ts, model.ts and its row modules), asserted on
 * the model and its solution rather than on the rounded first slot.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { defaultPolicy } from "../../../lib/planner/index.ts";
import type { LpSolver } from "../../../lib/planner/lp/solver.ts";
import { loadHighsSolver } from "../../../lib/solver/highs-solver.ts";
import { aClient, aJob, anOffer, aSnapshot, HOUR, nodes, T0 } from "../../builders/planner.ts";
import { lpProblemOf, solveProblem } from "./lp-model-support.ts";

let solver: LpSolver;
beforeAll(async () => { solver = await loadHighsSolver(); });

describe("job groups", () => {
  it("filter slow hardware per requirement set and kind: CPU and GPU jobs on the same requirements keep their own classes", () => {
    const cpuBoxes = nodes("cpu", 3, (b) => b.speed("render-gpu", 0.1));
    const gpuBoxes = nodes("gpu", 2, (b) => b.gpu(1).speed("render-gpu", 1));
    for (const order of [["G", "C"], ["C", "G"]]) {
      const jobs = {
        G: aJob("G").kind("render-gpu").tasks(10).due(T0 + 2 * HOUR).build(),
        C: aJob("C").kind("render-cpu").tasks(10).due(T0 + 20 * HOUR).build(),
      } as const;
      const p = lpProblemOf(aSnapshot({ nodes: [...cpuBoxes, ...gpuBoxes], jobs: order.map((id) => jobs[id as "G" | "C"]) }), defaultPolicy, T0);
      const cpu = p.groups.find((g) => g.kind === "render-cpu")!;
      const gpu = p.groups.find((g) => g.kind === "render-gpu")!;
      const cpuLabels = cpu.resources.map((r) => r.label).join(";");
      expect(cpu.resources.reduce((s, r) => s + r.slots, 0), `order ${order}: ${cpuLabels}`).toBe(5);
      expect(gpu.resources.reduce((s, r) => s + r.slots, 0), `order ${order}`).toBe(2);
      for (const r of gpu.resources) expect(r.speed.get("render-gpu")).toBeGreaterThanOrEqual(0.25);
    }
  });
});

describe("guaranteed shares", () => {
  // Four nodes, three held for 6 h by client B; A is guaranteed half the farm and has best-effort
  // work; C (no guarantee) has a small deadline job that prefers to start early.
  const farm = (guarA: number) => {
    const held = nodes("b", 3, (b) => b.running({ jobId: "BL", expectedEndAt: T0 + 6 * HOUR, expiresAt: T0 + 6 * HOUR }));
    return aSnapshot({
      clients: [aClient("A", { guaranteedShare: guarA }), aClient("B"), aClient("C")],
      nodes: [...held, ...nodes("free", 1)],
      jobs: [
        aJob("BL").forClient("B").tasks(0).build(),
        aJob("AJ").forClient("A").tasks(10, 3600).build(),
        aJob("CJ").forClient("C").tasks(3, 3600).due(T0 + 10 * HOUR).build(),
      ],
    });
  };

  it("are fractions of the whole farm, leases included, capped by the free capacity the client can use", () => {
    const s = solveProblem(farm(0.5), defaultPolicy, T0, solver);
    expect(s.status).toBe("optimal");
    const a = s.groups.find((g) => g.clientId === "A")!;
    const h0 = s.grid.hours[0]!;
    // Half of four nodes is two; only one is free: A gets all of it now, not half of the one free node.
    expect(s.sum((c) => c.kind === "x" && c.g === a.index && c.t === 0)).toBeGreaterThan(0.99 * h0);
    expect(s.sum((c) => c.kind === "short")).toBeLessThan(1e-6);
    // The deadline still holds: C's work fits later, no miss.
    expect(s.sum((c) => c.kind === "miss")).toBeLessThan(1e-6);
  });

  it("count the client's own running leases toward its guarantee", () => {
    const snap = farm(0.5);
    // A already holds two leases of four slots: its half is served; the free node goes to the urgent job.
    snap.nodes[0]!.leases[0]!.jobId = "AJ";
    snap.nodes[1]!.leases[0]!.jobId = "AJ";
    const s = solveProblem(snap, defaultPolicy, T0, solver);
    const c = s.groups.find((g) => g.clientId === "C")!;
    expect(s.sum((x) => x.kind === "x" && x.g === c.index && x.t === 0)).toBeGreaterThan(0.99 * s.grid.hours[0]!);
  });
});

describe("the farm's cloud ceiling (Snapshot.cloudLimits)", () => {
  // One on-prem node, 40 one-hour tasks due in 5 h: only renting many instances meets the deadline.
  const rush = (over: Parameters<typeof aSnapshot>[0] = {}) => aSnapshot({
    clients: [aClient("A", { cloudBudgetLeft: 1e6 }), aClient("B")],
    nodes: nodes("n", 1),
    jobs: [aJob("J").tasks(40, 3600).due(T0 + 5 * HOUR).build(), aJob("K").forClient("B").tasks(2, 3600).due(T0 + 5 * HOUR).build()],
    cloudOffers: [anOffer("c5", { bootSec: 240 })],
    ...over,
  });
  const maxRentedPerSlot = (s: ReturnType<typeof solveProblem>) => {
    let most = 0;
    for (let t = 0; t < s.grid.count; t++) most = Math.max(most, s.sum((c) => c.kind === "rent" && c.t === t));
    return most;
  };

  it("caps the instances rented in every slot, other clients' rented nodes counted first", () => {
    const free = solveProblem(rush(), defaultPolicy, T0, solver);
    expect(free.status).toBe("optimal");
    expect(maxRentedPerSlot(free)).toBeGreaterThan(6);
    const capped = solveProblem(rush({ cloudLimits: { maxInstances: 6 } }), defaultPolicy, T0, solver);
    expect(capped.status).toBe("optimal");
    expect(maxRentedPerSlot(capped)).toBeLessThanOrEqual(6 + 1e-6);
    expect(maxRentedPerSlot(capped)).toBeGreaterThan(5);
    // B (whose job may not rent here) already holds two instances: four are left for A.
    const b = nodes("cb", 2, (x) => x.cloud("c5", "spot", 0.6, "B"));
    const shared = solveProblem(rush({ cloudLimits: { maxInstances: 6 }, nodes: [...nodes("n", 1), ...b], jobs: [aJob("J").tasks(40, 3600).due(T0 + 5 * HOUR).build()] }), defaultPolicy, T0, solver);
    expect(maxRentedPerSlot(shared)).toBeLessThanOrEqual(4 + 1e-6);
  });

  it("caps the spend per hour", () => {
    const s = solveProblem(rush({ cloudLimits: { maxSpendPerHour: 3 } }), defaultPolicy, T0, solver);
    expect(s.status).toBe("optimal");
    const price = s.clouds[0]!.pricePerHour;
    for (let t = 0; t < s.grid.count; t++) expect(s.sum((c) => c.kind === "rent" && c.t === t) * price).toBeLessThanOrEqual(3 + 1e-6);
    expect(maxRentedPerSlot(s) * price).toBeGreaterThan(2.9);
  });
});
