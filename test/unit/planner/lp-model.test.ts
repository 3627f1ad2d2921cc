/**
 * The LP model of record (lib/planner/lp/groups.ts, model.ts and its row modules), asserted on
 * the model and its solution rather than on the rounded first slot.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { defaultPolicy, withPolicy } from "../../../lib/planner/index.ts";
import type { LpSolver } from "../../../lib/planner/lp/solver.ts";
import { loadHighsSolver } from "../../../lib/solver/highs-solver.ts";
import { aClient, aJob, aNode, anOffer, aSnapshot, aTariff, HOUR, nodes, T0 } from "../../builders/planner.ts";
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
  // Four free nodes (one with a GPU); A is guaranteed half, C (no guarantee) has a small deadline job
  // that would rather start now (three tasks: three nodes).
  const farm = (guarA: number, gpuOnly = false) => aSnapshot({
    clients: [aClient("A", { guaranteedShare: guarA }), aClient("C")],
    nodes: [...nodes("cpu", 3), ...nodes("gpu", 1, (b) => b.gpu(1))],
    jobs: [
      aJob("AJ").forClient("A").tasks(10, 3600).requires(gpuOnly ? { minGpuCount: 1 } : {}).build(),
      aJob("CJ").forClient("C").tasks(3, 3600).due(T0 + 10 * HOUR).build(),
    ],
  });
  const aNow = (s: ReturnType<typeof solveProblem>) => s.sum((c) => c.kind === "x" && c.t === 0 && s.groups[c.g]!.clientId === "A") / s.grid.hours[0]!;

  it("give a client its fraction of the free farm now, ahead of others' slack-rich work", () => {
    expect(aNow(solveProblem(farm(0), defaultPolicy, T0, solver))).toBeCloseTo(1, 3);
    const s = solveProblem(farm(0.5), defaultPolicy, T0, solver);
    expect(s.status).toBe("optimal");
    expect(aNow(s)).toBeCloseTo(2, 3);
    expect(s.sum((c) => c.kind === "short")).toBeLessThan(1e-6);
    expect(s.sum((c) => c.kind === "miss")).toBeLessThan(1e-6);
  });

  it("are capped by the free capacity of the classes the client's work can use", () => {
    // GPU-only work: half the farm is two nodes, but only one can run it; nothing is owed beyond it.
    const s = solveProblem(farm(0.5, true), defaultPolicy, T0, solver);
    expect(aNow(s)).toBeCloseTo(1, 3);
    expect(s.sum((c) => c.kind === "short")).toBeLessThan(1e-6);
  });
});

describe("guaranteed shares before tariff timing where no client may rent (the simulator's accounting)", () => {
  const beforeTariff = withPolicy({ guaranteeRule: "before-tariff" });
  // Four nodes, two held for 5 h by C's running tasks; A is guaranteed half the farm: two nodes, not half the two free ones.
  const farm = aSnapshot({
    clients: [aClient("A", { guaranteedShare: 0.5 }), aClient("C")],
    nodes: [
      aNode("c1").running({ jobId: "CJ", expectedEndAt: T0 + 5 * HOUR }).build(),
      aNode("c2").running({ jobId: "CJ", expectedEndAt: T0 + 5 * HOUR }).build(),
      ...nodes("n", 2),
    ],
    jobs: [
      aJob("AJ").forClient("A").tasks(10, 3600).build(),
      aJob("CJ").forClient("C").tasks(6, 3600).due(T0 + 20 * HOUR).build(),
    ],
  });
  const aNow = (s: ReturnType<typeof solveProblem>) => s.sum((c) => c.kind === "x" && c.t === 0 && s.groups[c.g]!.clientId === "A") / s.grid.hours[0]!;

  it("owe a client its fraction of the whole farm less what its own leases hold, not of the free nodes", () => {
    const s = solveProblem(farm, beforeTariff, T0, solver);
    expect(s.status).toBe("optimal");
    expect(aNow(s)).toBeCloseTo(2, 3);
    expect(s.sum((c) => c.kind === "miss")).toBeLessThan(1e-6);
  });

  it("owe work left in node-hours on the client's fastest class: owed work is not stretched onto slow, energy-dearer boxes", () => {
    // B is owed half of four nodes; its 8 reference hours of simulation take 3.3 node-hours on the two
    // 64-core nodes (2.4x, 800 W: 0.33 kWh per reference hour) and 8 on the two 32-core ones (0.45 kWh).
    // Counted in reference hours the rows owed B 2 nodes for 4 h, which only the slow boxes fill.
    const s = solveProblem(aSnapshot({
      clients: [aClient("B", { guaranteedShare: 0.5, cloudAllowed: false })],
      tariff: aTariff(0.152),
      nodes: [...nodes("fast", 2, (b) => b.cores(64, 256).speed("sim", 2.4).power(180, 800)), ...nodes("slow", 2, (b) => b.speed("sim", 1))],
      jobs: [aJob("BJ").forClient("B").kind("sim").tasks(8, 3600).energyIntensive().due(T0 + 20 * HOUR).build()],
    }), beforeTariff, T0, solver);
    expect(s.status).toBe("optimal");
    const onNow = (label: string) => s.sum((c) => c.kind === "x" && c.t === 0 && s.resources[c.r]!.label.includes(label)) / s.grid.hours[0]!;
    expect(onNow("64-vCPU")).toBeCloseTo(2, 3);
    expect(onNow("32-vCPU")).toBeLessThan(1e-6);
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

describe("completion credit (ModelInput.completionCredit, on by default)", () => {
  it("counts work toward a deadline when its task ends on that hardware, so tail tasks stay off slow nodes", () => {
    // Two one-hour tasks due in 2 h 15 min: the fast node (speed 2) does both in an hour; a task on the
    // slow node (speed 0.5) would take 2 h and end past the deadline's tail margin.
    const snap = aSnapshot({
      nodes: [...nodes("fast", 1, (b) => b.speed("render-cpu", 2)), ...nodes("slow", 1, (b) => b.speed("render-cpu", 0.5))],
      jobs: [aJob("J").tasks(2, 3600).due(T0 + 2.25 * HOUR).build()],
    });
    const off = solveProblem(snap, defaultPolicy, T0, solver, { completionCredit: false });
    const s = solveProblem(snap, defaultPolicy, T0, solver);
    expect(s.status).toBe("optimal");
    const slow = s.resources.find((r) => r.speed.get("render-cpu")! < 1)!;
    const fast = s.resources.find((r) => r.speed.get("render-cpu")! > 1)!;
    expect(s.sum((c) => c.kind === "miss")).toBeLessThan(1e-6);
    expect(s.sum((c) => c.kind === "x" && c.r === fast.index && c.t === 0)).toBeGreaterThan(0.99 * s.grid.hours[0]!);
    expect(s.sum((c) => c.kind === "x" && c.r === slow.index && c.t === 0)).toBeLessThan(1e-6);
    // Without it the fluid model starts the second task on the slow node now, to end "earlier".
    expect(off.sum((c) => c.kind === "x" && c.r === slow.index && c.t === 0)).toBeGreaterThan(0.5 * off.grid.hours[0]!);
  });

  it("still plans a deadline's work that can only end after it, rather than none", () => {
    const snap = aSnapshot({ nodes: nodes("slow", 2, (b) => b.speed("render-cpu", 0.5)), jobs: [aJob("J").tasks(2, 3600).due(T0 + HOUR).build()] });
    const s = solveProblem(snap, defaultPolicy, T0, solver);
    expect(s.sum((c) => c.kind === "x" && c.t === 0)).toBeGreaterThan(1.99 * s.grid.hours[0]!);
  });
});

describe("precedence", () => {
  it("plans no dependent work before its prerequisite could possibly be done", () => {
    const snap = aSnapshot({
      nodes: nodes("n", 3),
      jobs: [aJob("P").tasks(1, 4 * 3600).build(), aJob("W").dependsOn("P").tasks(2, 3600).due(T0 + 12 * HOUR).build()],
    });
    const s = solveProblem(snap, defaultPolicy, T0, solver);
    expect(s.status).toBe("optimal");
    const w = s.groups.find((g) => g.members.some((m) => m.s.job.id === "W"))!;
    const early = s.sum((c) => (c.kind === "x" || c.kind === "y") && c.g === w.index && s.grid.startAt[c.t + 1]! <= T0 + 4 * HOUR);
    expect(early).toBeLessThan(1e-6);
    // Its work is still planned after that, before its deadline.
    expect(s.sum((c) => c.kind === "x" && c.g === w.index)).toBeGreaterThan(1.99);
    expect(s.sum((c) => c.kind === "miss")).toBeLessThan(1e-6);
  });
});

describe("asleep nodes", () => {
  // 08:00 UTC now; the SCE TOU-8 shape of off-hours-energy: 0.152/kWh 07–21, 0.113 otherwise. Two
  // nodes awake, four asleep; A (guaranteed half the farm) has energy-intensive work due in 30 h
  // that the two awake nodes cannot finish in the cheap hours alone.
  const tou = aTariff(Array.from({ length: 24 }, (_, h) => (h >= 7 && h < 21 ? 0.152 : 0.113)));
  const snap = aSnapshot({
    clients: [aClient("A", { guaranteedShare: 0.5 }), aClient("B", { guaranteedShare: 0.5 })],
    nodes: [...nodes("awake", 2), ...nodes("zz", 4, (b) => b.status("asleep"))],
    jobs: [aJob("E").forClient("A").energyIntensive().tasks(40, 3600).due(T0 + 30 * HOUR).build()],
    tariff: tou,
  });

  it("cost a woken node-hour of work what an awake one costs: energy-intensive work waits for the cheap hours", () => {
    // A woken node's busy hours are priced by the work columns (busy power includes the idle draw);
    // charging its idle power on top made waking later dearer than the peak price now, plus the guarantee
    // (beside tariff timing, the default: a guarantee priced below energy).
    const s = solveProblem(snap, defaultPolicy, T0, solver);
    expect(s.status).toBe("optimal");
    const peakEnd = T0 + 13 * HOUR;
    const atPeak = s.sum((c) => c.kind === "x" && s.grid.startAt[c.t + 1]! <= peakEnd);
    expect(atPeak).toBeLessThan(1e-6);
    expect(s.sum((c) => c.kind === "wake")).toBeGreaterThan(1);
    expect(s.sum((c) => c.kind === "miss")).toBeLessThan(1e-6);
  });

  it("before tariff timing, where no client may rent, serve A's guaranteed half of the farm now, ahead of the cheap hours (guarantees ≫ energy)", () => {
    const s = solveProblem(snap, withPolicy({ guaranteeRule: "before-tariff" }), T0, solver);
    expect(s.status).toBe("optimal");
    // The first four hours (all at the peak price): three nodes' worth once the woken one is up, where beside tariff timing it was none.
    const firstHours = T0 + 4 * HOUR;
    const early = s.sum((c) => c.kind === "x" && s.grid.startAt[c.t + 1]! <= firstHours);
    expect(early).toBeGreaterThan(11);
    expect(s.sum((c) => c.kind === "short")).toBeLessThan(1e-6);
    expect(s.sum((c) => c.kind === "miss")).toBeLessThan(1e-6);
  });
});
