/**
 * The capacity guards and launch intents, purely: whatever the plan asks, what may launch stays
 * within the farm's ceilings, the client's budget and the allowed types (property tests); requests
 * of one cycle become one fleet with substitutes at least as capable; tokens are stable.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { guardLaunch, launchToken, planLaunches, substitutes, type CapacityLimits, type PendingBurst } from "../../../../lib/service/capacity/index.ts";
import type { ClientRecord, NodeRecord } from "../../../../lib/service/model.ts";
import { anOffer, T0 } from "../../../builders/planner.ts";

const offers = [
  anOffer("c6i.4xlarge", { spotPricePerHour: 0.3, onDemandPricePerHour: 0.68, capabilities: { vcpu: 16, memoryGiB: 32, gpuCount: 0, os: "linux", cpuArch: "x86_64" } }),
  anOffer("c5.4xlarge", { spotPricePerHour: 0.33, onDemandPricePerHour: 0.68, capabilities: { vcpu: 16, memoryGiB: 32, gpuCount: 0, os: "linux", cpuArch: "x86_64" } }),
  anOffer("c6g.4xlarge", { spotPricePerHour: 0.2, onDemandPricePerHour: 0.54, capabilities: { vcpu: 16, memoryGiB: 32, gpuCount: 0, os: "linux", cpuArch: "arm64" } }),
  anOffer("m6i.8xlarge", { spotPricePerHour: 0.9, onDemandPricePerHour: 1.5, capabilities: { vcpu: 32, memoryGiB: 128, gpuCount: 0, os: "linux", cpuArch: "x86_64" } }),
  anOffer("c6i.2xlarge", { spotPricePerHour: 0.15, onDemandPricePerHour: 0.34, capabilities: { vcpu: 8, memoryGiB: 16, gpuCount: 0, os: "linux", cpuArch: "x86_64" } }),
];
const client = (over: Partial<ClientRecord> = {}): ClientRecord => ({ id: "acme", name: "Acme", guaranteedShare: 0, maxShare: 1, cloudAllowed: true, cloudBudgetLeft: 1000, cloudBudgetPerMonth: 1000, createdAt: T0, version: 1, ...over });
const live = (id: string, price: number, clientId = "acme"): NodeRecord => ({
  id, pool: "cloud", status: "ready", capabilities: offers[0]!.capabilities, tags: [], speed: {}, slots: 1, powerIdleW: 0, powerBusyW: 0, blocklist: [],
  hostname: id, registeredAt: T0, lastSeenAt: T0, agentVersion: null, metrics: null, holding: [], desiredStatus: "run", inbox: [], version: 1,
  pricePerHour: price, clientId, cloud: { requestKey: "k", launchedAt: T0, jobIds: [], round: 0 },
});

describe("guardLaunch", () => {
  it("never lets the farm's spend, instances or the client's budget go past their limits, whatever is asked", () => {
    fc.assert(fc.property(
      fc.record({ spot: fc.nat(30), od: fc.nat(30), hours: fc.double({ min: 0.05, max: 10, noNaN: true }), budget: fc.double({ min: 0, max: 200, noNaN: true }),
        maxSpend: fc.double({ min: 0.1, max: 40, noNaN: true }), maxInstances: fc.integer({ min: 1, max: 40 }), running: fc.array(fc.double({ min: 0.1, max: 2, noNaN: true }), { maxLength: 10 }) }),
      ({ spot, od, hours, budget, maxSpend, maxInstances, running }) => {
        const nodes = running.map((p, i) => live(`r${i}`, p, i % 2 ? "acme" : "other"));
        const types = ["c6i.4xlarge", "c5.4xlarge"];
        const limits: CapacityLimits = { maxSpendPerHour: maxSpend, maxInstances, allowedTypes: [] };
        const g = guardLaunch({ clientId: "acme", instanceTypes: types, spotCount: spot, onDemandCount: od, hoursPerNode: hours }, nodes, client({ cloudBudgetLeft: budget }), offers, limits);
        const spend = running.reduce((t, p) => t + p, 0);
        const burn = nodes.filter((n) => n.clientId === "acme").reduce((t, n) => t + n.pricePerHour!, 0);
        const added = g.spotCount * 0.33 + g.onDemandCount * 0.68;
        expect(g.spotCount).toBeLessThanOrEqual(spot);
        expect(g.onDemandCount).toBeLessThanOrEqual(od);
        expect(g.spotCount + g.onDemandCount).toBeLessThanOrEqual(Math.max(0, maxInstances - running.length));
        if (g.spotCount + g.onDemandCount > 0) {
          expect(spend + added).toBeLessThanOrEqual(maxSpend + 1e-9);
          expect(burn + added * Math.max(hours, 1 / 60)).toBeLessThanOrEqual(budget + 1e-9);
        }
        expect(g.reason === null).toBe(g.spotCount === spot && g.onDemandCount === od);
      },
    ), { numRuns: 300 });
  });

  it("keeps on-demand (what the plan needs for tight slack) before spot when it must cut", () => {
    const g = guardLaunch({ clientId: "acme", instanceTypes: ["c6i.4xlarge"], spotCount: 4, onDemandCount: 2, hoursPerNode: 1 }, [], client(), offers, { maxSpendPerHour: 1.7, maxInstances: 10, allowedTypes: [] });
    expect(g).toEqual({ spotCount: 1, onDemandCount: 2, instanceTypes: ["c6i.4xlarge"], reason: "3 of 6 instances: farm spend ceiling 1.70/h (0.00/h running)" });
  });

  it("refuses a client that does not allow cloud, and types the studio did not allow", () => {
    const ask = { clientId: "acme", instanceTypes: ["m6i.8xlarge"], spotCount: 1, onDemandCount: 0, hoursPerNode: 1 };
    const open = { maxSpendPerHour: 100, maxInstances: 10, allowedTypes: [] };
    expect(guardLaunch(ask, [], client({ cloudAllowed: false }), offers, open).reason).toBe("refused: client acme does not allow cloud rendering");
    expect(guardLaunch(ask, [], client(), offers, { ...open, allowedTypes: ["c6i.4xlarge"] }).reason).toBe("refused: instance type m6i.8xlarge is not among the studio's allowed types (c6i.4xlarge)");
    expect(guardLaunch(ask, [], undefined, offers, open).reason).toBe("refused: unknown client acme");
  });
});

describe("planLaunches", () => {
  const req = (over: Partial<PendingBurst>): PendingBurst => ({
    clientId: "acme", instanceType: "c6i.4xlarge", market: "spot", count: 2, kind: "render-cpu", jobIds: ["j1"], deadlineAt: T0 + 3_600_000,
    estimatedCost: 1, reason: "r", requestedAt: T0, index: 0, ...over,
  });

  it("joins one cycle's requests for a client and kind into one fleet, markets mixed", () => {
    const [intent, ...rest] = planLaunches([
      req({}), req({ index: 1, instanceType: "m6i.8xlarge", market: "on-demand", count: 1, jobIds: ["j2", "j1"], deadlineAt: T0 + 1_800_000 }),
      req({ index: 2, kind: "render-gpu" }), req({ requestedAt: T0 + 60_000 }),
    ], offers);
    expect(rest).toHaveLength(2);
    expect(intent).toMatchObject({
      key: `${T0}#acme#render-cpu`, members: [{ requestedAt: T0, index: 0 }, { requestedAt: T0, index: 1 }], jobIds: ["j1", "j2"],
      spotCount: 2, onDemandCount: 1, deadlineAt: T0 + 1_800_000, estimatedCost: 2,
      instanceTypes: ["c6i.4xlarge", "c5.4xlarge", "m6i.8xlarge"],
    });
  });

  it("substitutes only types at least as capable, same OS and architecture, within 20% per throughput", () => {
    // c6g (arm64) is cheaper but another architecture; c6i.2xlarge is smaller; m6i.8xlarge is 3× the price.
    expect(substitutes(req({}), offers)).toEqual(["c5.4xlarge"]);
  });

  it("derives a stable ClientToken of at most 64 characters per request and round", () => {
    const t = launchToken("Burstfarm", `${T0}#acme#render-cpu`, 0);
    expect(t).toBe(launchToken("Burstfarm", `${T0}#acme#render-cpu`, 0));
    expect(t).not.toBe(launchToken("Burstfarm", `${T0}#acme#render-cpu`, 1));
    expect(t).not.toBe(launchToken("Other", `${T0}#acme#render-cpu`, 0));
    expect(t.length).toBeLessThanOrEqual(64);
  });
});
