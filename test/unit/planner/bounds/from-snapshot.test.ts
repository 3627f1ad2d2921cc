import { describe, expect, it } from "vitest";
import { instanceFromSnapshot } from "../../../../lib/planner/bounds/index.ts";
import { defaultPolicy, withPolicy } from "../../../../lib/planner/index.ts";
import { aClient, aJob, anOffer, aNode, aSnapshot, aStep, aTariff, HOUR, MIN, nodes, T0 } from "../../../builders/planner.ts";
import { generateFarm } from "../../../builders/farm-generator.ts";

const HOURLY = { slotMinutes: 60, horizonSlots: 24 };

describe("instanceFromSnapshot", () => {
  it("groups identical machines into one class and counts their slots", () => {
    const snap = aSnapshot({
      nodes: [...nodes("cpu", 3), aNode("big").slots(2).build(), ...nodes("gpu", 2, (b) => b.gpu(1)), aNode("gone").status("offline").build()],
      jobs: [aJob("a").due(T0 + 4 * HOUR).build()],
    });
    const inst = instanceFromSnapshot(snap, defaultPolicy, T0, HOURLY);
    expect(inst.classes.map((c) => [c.name.split("#")[0], c.local_nodes])).toEqual([
      ["local:linux-32c-0gpu", 5],
      ["local:linux-32c-1gpu", 2],
    ]);
    expect(inst.classes[0]!.power_kw_busy).toBe(0.45);
  });

  it("counts a booting node from the slot it is ready in", () => {
    const booting = aNode("b").status("booting").build();
    booting.readyAt = T0 + 90 * MIN;
    const inst = instanceFromSnapshot(aSnapshot({ nodes: [booting] }), defaultPolicy, T0, { slotMinutes: 60, horizonSlots: 4 });
    expect(inst.classes[0]!.local_nodes).toEqual([0, 1, 1, 1]);
  });

  it("turns remaining work into node-hours per class from the class's speed for the job's kind", () => {
    const snap = aSnapshot({
      nodes: [aNode("slow").build(), aNode("fast").cores(64).speed("render-cpu", 2).build()],
      jobs: [aJob("a").tasks(12, 600).due(T0 + 5 * HOUR).build()],
    });
    const inst = instanceFromSnapshot(snap, defaultPolicy, T0, HOURLY);
    const byClass = Object.fromEntries(Object.entries(inst.jobs[0]!.work_node_hours).map(([k, w]) => [k.split("#")[0], w]));
    expect(byClass).toEqual({ "local:linux-32c-0gpu": 2, "local:linux-64c-0gpu": 1 });
    expect(inst.jobs[0]).toMatchObject({ id: "a", release_slot: 0, deadline_slot: 5, max_parallel: 12, cloud_allowed: true });
  });

  it("counts a running task by its lease's expected remaining time, at the reference speed", () => {
    const node = aNode("n").speed("render-cpu", 2).running({ jobId: "a", taskIndex: 0, expectedEndAt: T0 + 30 * MIN }).build();
    const job = aJob("a").steps(aStep("render").tasks(1, 3600).pending().running(1)).due(T0 + 3 * HOUR).build();
    const inst = instanceFromSnapshot(aSnapshot({ nodes: [node], jobs: [job] }), defaultPolicy, T0, HOURLY);
    expect(Object.values(inst.jobs[0]!.work_node_hours)).toEqual([0.5]); // 30 min left on a 2× node = 1 reference hour
  });

  it("rounds deadlines up to a slot and leaves out jobs without one or beyond the horizon", () => {
    const snap = aSnapshot({
      nodes: nodes("n", 1),
      jobs: [aJob("soon").due(T0 + 90 * MIN).build(), aJob("never").due(null).build(), aJob("far").due(T0 + 30 * HOUR).build(), aJob("stopped").due(T0 + HOUR).suspended().build()],
    });
    const inst = instanceFromSnapshot(snap, defaultPolicy, T0, HOURLY);
    expect(inst.jobs.map((j) => [j.id, j.deadline_slot])).toEqual([["soon", 2]]);
  });

  it("offers each cloud type as a class the job may rent when its requirements fit", () => {
    const snap = aSnapshot({
      nodes: nodes("n", 1),
      cloudOffers: [anOffer("c6i", { spotPricePerHour: 0.6, spotInterruptionPerHour: 0.5, bootSec: 5400 }), anOffer("g5", { capabilities: { vcpu: 16, memoryGiB: 64, gpuCount: 1, gpuMemoryGiB: 24, os: "linux", cpuArch: "x86_64" } })],
      jobs: [aJob("gpu").requires({ minGpuCount: 1 }).due(T0 + 4 * HOUR).build()],
    });
    const policy = withPolicy({ burst: { interruptionLossSec: 3600 } });
    const inst = instanceFromSnapshot(snap, policy, T0, HOURLY);
    const c6i = inst.classes.find((c) => c.name === "cloud:c6i")!;
    expect(c6i).toMatchObject({ local_nodes: 0, cloud_boot_slots: 1, power_kw_busy: 0 });
    expect(c6i.cloud_price_per_node_hour).toBeCloseTo(0.6 / 0.5, 9); // half of each hour lost to interruptions
    expect(Object.keys(inst.jobs[0]!.work_node_hours)).toEqual(["cloud:g5"]);
    const off = instanceFromSnapshot(snap, withPolicy({ burst: { enabled: false } }), T0, HOURLY);
    expect(off.classes.find((c) => c.name === "cloud:g5")!.cloud_price_per_node_hour).toBeNull();
  });

  it("lets a job burst only if it, its client and the client's budget allow", () => {
    const snap = aSnapshot({
      clients: [aClient("A"), aClient("B", { cloudAllowed: false }), aClient("C", { cloudBudgetLeft: 0 })],
      jobs: ["A", "B", "C"].map((c) => aJob(c).forClient(c).due(T0 + HOUR).build()).concat(aJob("A2").noCloud().due(T0 + HOUR).build()),
    });
    const inst = instanceFromSnapshot(snap, defaultPolicy, T0, HOURLY);
    expect(inst.jobs.map((j) => [j.id, j.cloud_allowed])).toEqual([["A", true], ["B", false], ["C", false], ["A2", false]]);
  });

  it("releases a job when its dependencies could finish at the earliest", () => {
    const snap = aSnapshot({
      nodes: nodes("n", 20),
      jobs: [aJob("render").tasks(10, 2 * 3600).due(T0 + 10 * HOUR).build(), aJob("comp").dependsOn("render").due(T0 + 10 * HOUR).build()],
    });
    const inst = instanceFromSnapshot(snap, defaultPolicy, T0, HOURLY);
    expect(inst.jobs.find((j) => j.id === "comp")!.release_slot).toBe(2); // 10 tasks of 2 h, 10 at once
  });

  it("splits a job whose steps need different machines", () => {
    const job = aJob("a").steps(aStep("sim").kind("sim"), aStep("render").kind("render-gpu").requires({ minGpuCount: 1 }).after("sim")).due(T0 + 6 * HOUR).build();
    const inst = instanceFromSnapshot(aSnapshot({ nodes: [...nodes("cpu", 2), ...nodes("gpu", 1, (b) => b.gpu(1))], jobs: [job] }), defaultPolicy, T0, HOURLY);
    expect(inst.jobs.map((j) => [j.id, Object.keys(j.work_node_hours).length])).toEqual([["a#sim", 2], ["a#render", 1]]);
  });

  it("averages the tariff over each slot", () => {
    const inst = instanceFromSnapshot(aSnapshot({ tariff: aTariff([1, 3]) }), defaultPolicy, T0 + 30 * MIN, { slotMinutes: 60, horizonSlots: 2 });
    expect(inst.tariff).toEqual([2, 2]);
  });

  it("names the bad option", () => {
    expect(() => instanceFromSnapshot(aSnapshot(), defaultPolicy, T0, { slotMinutes: 0, horizonSlots: 4 })).toThrow(/slotMinutes/);
    expect(() => instanceFromSnapshot(aSnapshot(), defaultPolicy, T0, { slotMinutes: 15, horizonSlots: 2.5 })).toThrow(/horizonSlots/);
  });

  it("describes a generated farm with a handful of classes and every job in range", () => {
    const { snapshot, now } = generateFarm({ tasks: 2_000, nodes: 100, seed: 3 });
    const inst = instanceFromSnapshot(snapshot, defaultPolicy, now, { slotMinutes: 60, horizonSlots: 72 });
    expect(inst.classes.length).toBeLessThan(30);
    expect(inst.jobs.length).toBeGreaterThan(20);
    for (const j of inst.jobs) {
      expect(j.deadline_slot).toBeLessThanOrEqual(72);
      expect(j.release_slot).toBeGreaterThanOrEqual(0);
      expect(Object.values(j.work_node_hours).every((w) => w > 0)).toBe(true);
    }
  });
});

describe("generateFarm", () => {
  it("makes exactly the tasks and nodes asked for, the same way every time", () => {
    const a = generateFarm({ tasks: 1_234, nodes: 77, seed: 9 });
    expect(generateFarm({ tasks: 1_234, nodes: 77, seed: 9 })).toEqual(a);
    const outstanding = a.snapshot.jobs.flatMap((j) => j.steps).reduce((n, s) => n + s.runningTasks + s.pending.reduce((m, r) => m + r.to - r.from + 1, 0), 0);
    expect(outstanding).toBe(1_234);
    expect(a.snapshot.nodes).toHaveLength(77);
    expect(a.snapshot.jobs).toHaveLength(25);
    expect(generateFarm({ tasks: 1_234, nodes: 77, seed: 10 })).not.toEqual(a);
  });

  it("keeps leases, running counts and dependencies consistent", () => {
    const { snapshot } = generateFarm({ tasks: 5_000, nodes: 200, seed: 5 });
    const leases = snapshot.nodes.flatMap((n) => n.leases);
    const running = snapshot.jobs.flatMap((j) => j.steps).reduce((n, s) => n + s.runningTasks, 0);
    expect(leases.length).toBe(running);
    expect(leases.length).toBeGreaterThan(50);
    const index = new Map(snapshot.jobs.map((j, i) => [j.id, i]));
    for (const j of snapshot.jobs) for (const d of j.dependsOn) expect(index.get(d)!).toBeLessThan(index.get(j.id)!);
    expect(snapshot.tariff!.slots).toHaveLength(96);
  });
});
