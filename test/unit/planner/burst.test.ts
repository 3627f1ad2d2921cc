import { describe, expect, it } from "vitest";
import { defaultPolicy, plan, withPolicy } from "../../../lib/planner/index.ts";
import { HOUR, T0, aClient, aJob, aNode, aSnapshot, anOffer, nodes } from "../../builders/planner.ts";

const offers = [
  anOffer("c6i.8xlarge", { spotPricePerHour: 0.5, onDemandPricePerHour: 1.36 }),
  anOffer("c7i.8xlarge", { spotPricePerHour: 0.55, onDemandPricePerHour: 1.43, speed: { "render-cpu": 1.25 } }),
  // An 8-vCPU GPU box: fast at GPU rendering, a quarter of a 32-vCPU box at CPU rendering.
  anOffer("g5.2xlarge", { spotPricePerHour: 0.4, onDemandPricePerHour: 1.21, speed: { "render-cpu": 0.25 }, capabilities: { vcpu: 8, memoryGiB: 32, gpuCount: 1, gpuModel: "A10G", gpuMemoryGiB: 24, os: "linux", cpuArch: "x86_64" } }),
];

describe("burst sizing", () => {
  it("asks for nothing when local capacity meets every deadline", () => {
    const snap = aSnapshot({ jobs: [aJob("j").due(T0 + 10 * HOUR).tasks(40, 600).build()], nodes: nodes("n", 4), cloudOffers: offers });
    expect(plan(snap, defaultPolicy, T0).burst).toEqual([]);
  });

  it("turns a deadline's deficit into nodes of the cheapest type per unit of throughput", () => {
    // 200 tasks × 10 min on 4 nodes = 8h20m; the deadline is in 4h.
    const snap = aSnapshot({ jobs: [aJob("j").due(T0 + 4 * HOUR).tasks(200, 600).build()], nodes: nodes("n", 4), cloudOffers: offers });
    const p = plan(snap, defaultPolicy, T0);
    expect(p.burst).toHaveLength(1);
    const r = p.burst[0]!;
    expect(r).toMatchObject({ clientId: "A", instanceType: "c7i.8xlarge", market: "spot", jobIds: ["j"], deadlineAt: T0 + 4 * HOUR });
    // Deficit ≈ 120,000 s − 4 nodes × (4h − margin); each c7i does 1.25 × (4h − 5 min boot − margin).
    expect(r.count).toBeGreaterThanOrEqual(4);
    expect(r.count).toBeLessThanOrEqual(6);
    expect(r.reason).toMatch(/local capacity is .* short before j's deadline/);
    expect(p.jobs[0]).toMatchObject({ outcome: "placed", atRisk: false });
    expect(p.jobs[0]!.reason).toContain("burst:");
  });

  it("spills to the next-cheapest type when the cheapest hits its instance limit", () => {
    const limited = [anOffer("c7i.8xlarge", { spotPricePerHour: 0.55, speed: { "render-cpu": 1.25 }, maxInstances: 2 }), anOffer("c6i.8xlarge", { spotPricePerHour: 0.5 })];
    const snap = aSnapshot({ jobs: [aJob("j").due(T0 + 4 * HOUR).tasks(200, 600).build()], nodes: nodes("n", 4), cloudOffers: limited });
    const p = plan(snap, defaultPolicy, T0);
    expect(p.burst.map((r) => [r.instanceType, r.count > 0])).toEqual([["c7i.8xlarge", true], ["c6i.8xlarge", true]]);
    expect(p.burst[0]!.count).toBe(2);
    const alone = plan(aSnapshot({ ...snap, cloudOffers: [anOffer("c6i.8xlarge", { spotPricePerHour: 0.5 })] }), defaultPolicy, T0).burst[0]!;
    expect(p.burst[1]!.count).toBeLessThan(alone.count);
  });

  it("picks GPU instances for GPU work", () => {
    const snap = aSnapshot({ jobs: [aJob("g").kind("render-gpu").requires({ minGpuCount: 1 }).due(T0 + 2 * HOUR).tasks(100, 600).build()], nodes: nodes("g", 2, (b) => b.gpu(1)), cloudOffers: offers });
    expect(plan(snap, defaultPolicy, T0).burst.map((r) => r.instanceType)).toEqual(["g5.2xlarge"]);
  });

  it("rents only for clients and jobs that allow cloud, and flags the rest at risk", () => {
    const jobs = [aJob("j").due(T0 + 4 * HOUR).tasks(200, 600)];
    const noClient = aSnapshot({ jobs: jobs.map((j) => j.build()), nodes: nodes("n", 4), cloudOffers: offers, clients: [aClient("A", { cloudAllowed: false })] });
    const noJob = aSnapshot({ jobs: [jobs[0]!.noCloud().build()], nodes: nodes("n", 4), cloudOffers: offers });
    for (const snap of [noClient, noJob]) {
      const p = plan(snap, defaultPolicy, T0);
      expect(p.burst).toEqual([]);
      expect(p.jobs[0]!.atRisk).toBe(true);
    }
  });

  it("stays within the client's cloud budget", () => {
    const snap = (budget: number) => aSnapshot({ jobs: [aJob("j").due(T0 + 4 * HOUR).tasks(200, 600).build()], nodes: nodes("n", 4), cloudOffers: offers, clients: [aClient("A", { cloudBudgetLeft: budget })] });
    const rich = plan(snap(1000), defaultPolicy, T0).burst[0]!;
    const poor = plan(snap(rich.estimatedCost / 2), defaultPolicy, T0);
    expect(poor.burst[0]!.count).toBeLessThan(rich.count);
    expect(poor.burst[0]!.estimatedCost).toBeLessThanOrEqual(rich.estimatedCost / 2);
    const broke = plan(snap(0), defaultPolicy, T0);
    expect(broke.burst).toEqual([]);
    expect(broke.jobs[0]!.reason).toMatch(/cloud budget exhausted/);
  });

  it("switches to on-demand when the slack cannot absorb a spot interruption", () => {
    // 20-minute tasks (16 min on c7i), 35 minutes to the deadline, 5 min boot: losing a task to an interruption would miss it.
    const snap = aSnapshot({ jobs: [aJob("j").due(T0 + 35 * 60_000).tasks(40, 1200).build()], nodes: nodes("n", 2), cloudOffers: offers });
    const p = plan(snap, withPolicy({ safetySigma: 0 }), T0);
    expect(p.burst[0]).toMatchObject({ market: "on-demand" });
    expect(p.burst[0]!.reason).toMatch(/cannot absorb a spot interruption/);
  });

  it("does not ask again for capacity already requested or booting", () => {
    const base = { jobs: [aJob("j").due(T0 + 4 * HOUR).tasks(200, 600).build()], nodes: nodes("n", 4), cloudOffers: offers };
    const first = plan(aSnapshot(base), defaultPolicy, T0).burst[0]!;
    const again = plan(aSnapshot({ ...base, pendingBurst: [{ clientId: "A", instanceType: first.instanceType, market: "spot", count: first.count }] }), defaultPolicy, T0);
    expect(again.burst).toEqual([]);
  });

  it("releases idle cloud nodes, and never burst with the knob off", () => {
    const idle = aSnapshot({ jobs: [], nodes: [aNode("c1").cloud("c6i.8xlarge", "spot", 0.5).idleSince(T0 - 10 * 60_000).build()] });
    expect(plan(idle, defaultPolicy, T0).nodeActions).toEqual([{ nodeId: "c1", action: "release", reason: "cloud node idle 10m with no work it can take" }]);
    const off = aSnapshot({ jobs: [aJob("j").due(T0 + 4 * HOUR).tasks(200, 600).build()], nodes: nodes("n", 4), cloudOffers: offers });
    expect(plan(off, withPolicy({ burst: { enabled: false } }), T0).burst).toEqual([]);
  });
});

describe("spot or on-demand", () => {
  it("rents spot, with room for an interruption, when the deadline leaves that room", () => {
    const snap = aSnapshot({ jobs: [aJob("j").due(T0 + 3 * HOUR).tasks(120, 1200).build()], nodes: nodes("n", 2), cloudOffers: offers });
    const r = plan(snap, withPolicy({ safetySigma: 0 }), T0).burst[0]!;
    expect(r.market).toBe("spot");
    expect(r.reason).toMatch(/spot: slack absorbs an interruption/);
  });
});
