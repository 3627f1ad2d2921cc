/** The simulated cloud keeps EC2's contract where the capacity use case relies on it. */
import { describe, expect, it } from "vitest";
import { SimulatedCloud } from "../../../lib/adapters/local/simulated-cloud.ts";
import type { LaunchSpec } from "../../../lib/service/capacity/index.ts";
import { anOffer, MIN, T0 } from "../../builders/planner.ts";

const offers = [anOffer("c6i.8xlarge", { spotPricePerHour: 0.5, onDemandPricePerHour: 1.4, bootSec: 90 }), anOffer("c7i.8xlarge", { spotPricePerHour: 0.6, bootSec: 60 })];
const spec = (over: Partial<LaunchSpec> = {}): LaunchSpec => ({
  token: "t-1", instanceTypes: ["c6i.8xlarge", "c7i.8xlarge"], spotCount: 3, onDemandCount: 1,
  tags: { farm: "local", client: "acme", jobs: ["j"], request: "r" }, ...over,
});

function cloud(capacity?: Record<string, number>) {
  const clock = { t: T0, now() { return this.t; } };
  const due: { at: number; fn: () => unknown }[] = [];
  const booted: string[] = [];
  const notices: string[] = [];
  const sim = new SimulatedCloud({
    clock, offers: () => offers, ...(capacity ? { capacity } : {}),
    schedule: (at, fn) => { due.push({ at, fn }); },
    bootAgent: (i, cred) => { booted.push(`${i.instanceId}:${cred?.token}`); },
    issueCredential: async (id, now) => ({ token: `tok-${id}`, expiresAt: now + 3_600_000 }),
    onNotice: async (n) => { notices.push(`${n.kind}:${n.instanceId}`); },
  });
  const runUntil = async (t: number) => { clock.t = t; for (const d of due.splice(0).sort((a, b) => a.at - b.at)) { if (d.at <= t) await d.fn(); else due.push(d); } };
  return { sim, clock, booted, notices, runUntil };
}

describe("SimulatedCloud", () => {
  it("returns the first result for a token launched again (no double capacity)", async () => {
    const { sim } = cloud();
    const first = await sim.launch(spec());
    expect(first.launched).toHaveLength(4);
    expect(await sim.launch(spec())).toEqual(first);
    expect(sim.instances.size).toBe(4);
  });

  it("fills from the next type when one runs out, and says which type had no capacity", async () => {
    const { sim } = cloud({ "c6i.8xlarge": 2 });
    const r = await sim.launch(spec());
    expect(r.launched.map((i) => `${i.instanceType}/${i.market}`)).toEqual(["c6i.8xlarge/on-demand", "c6i.8xlarge/spot", "c7i.8xlarge/spot", "c7i.8xlarge/spot"]);
    expect(r.errors).toEqual([{ code: "InsufficientInstanceCapacity", message: "simulated: no spot capacity for c6i.8xlarge", instanceType: "c6i.8xlarge" }]);
  });

  it("boots agents after each offer's boot time with a node credential, and bills until termination", async () => {
    const { sim, booted, runUntil } = cloud();
    const { launched } = await sim.launch(spec({ spotCount: 1, onDemandCount: 0, instanceTypes: ["c6i.8xlarge"] }));
    const id = launched[0]!.instanceId;
    await runUntil(T0 + 89_000);
    expect(booted).toEqual([]);
    await runUntil(T0 + 90_000);
    expect(booted).toEqual([`${id}:tok-${id}`]);
    await runUntil(T0 + 30 * MIN);
    await sim.terminate([id]);
    await runUntil(T0 + 60 * MIN);
    expect(sim.bill()).toBeCloseTo(0.5 / 2, 9);
    expect((await sim.describe([id]))[0]!.state).toBe("terminated");
  });

  it("delivers an interruption warning, then takes the instance two minutes later", async () => {
    const { sim, notices, runUntil } = cloud();
    const { launched } = await sim.launch(spec({ spotCount: 1, onDemandCount: 0 }));
    const id = launched[0]!.instanceId;
    await runUntil(T0 + 5 * MIN);
    await sim.notify(id, "interruption");
    expect(notices).toEqual([`interruption:${id}`]);
    await runUntil(T0 + 5 * MIN + 119_000);
    expect(sim.instances.get(id)?.state).toBe("running");
    await runUntil(T0 + 7 * MIN);
    expect(sim.instances.get(id)?.state).toBe("terminated");
  });
});
