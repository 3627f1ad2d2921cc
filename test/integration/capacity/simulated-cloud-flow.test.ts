/**
 * Bursting end to end on real local DynamoDB and SQS (dynalite, fauxqs) with the simulated cloud:
 * the real planner asks for cloud capacity, the capacity use case launches it, the booted agent
 * attaches to the node record written at launch, takes work, goes idle and is terminated — and
 * a spot interruption mid-frame requeues the frame without spending a retry.
 */
import { reclaimExpiredLeases } from "../../../lib/service/reclaim-expired-leases.ts";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SimulatedCloud, type SimulatedInstance } from "../../../lib/adapters/local/simulated-cloud.ts";
import { handleCloudNotice, runCapacity } from "../../../lib/service/capacity/index.ts";
import { cancelJob } from "../../../lib/service/cancel-job.ts";
import { clientUsage } from "../../../lib/service/manage-clients.ts";
import { pollAgent } from "../../../lib/service/poll-agent.ts";
import { registerAgent } from "../../../lib/service/register-agent.ts";
import { runPlanningCycle } from "../../../lib/service/run-planning-cycle.ts";
import { submitJob } from "../../../lib/service/submit-job.ts";
import type { Assignment } from "../../../lib/service/views.ts";
import { anOffer, HOUR, MIN, T0 } from "../../builders/planner.ts";
import { asAgent, asClient, nativeJob, operator, planner, seedClient, seedNode, startService, type ServiceFixture } from "../../support/service-fixture.ts";

const system = { kind: "system" as const, component: "capacity" };
const offer = anOffer("c6i.8xlarge", { spotPricePerHour: 0.5, onDemandPricePerHour: 1.4, bootSec: 120 });
const limits = { maxSpendPerHour: 20, maxInstances: 10, allowedTypes: [] };

/** A hand-driven scheduler: the simulated cloud's boots and terminations run when the test says. */
function manualTimers() {
  const due: { at: number; fn: () => Promise<void> | void }[] = [];
  return {
    schedule: (at: number, fn: () => Promise<void> | void) => { due.push({ at, fn }); },
    async runUntil(now: number) {
      for (;;) {
        const i = due.findIndex((d) => d.at <= now);
        if (i < 0) return;
        await due.splice(i, 1)[0]!.fn();
      }
    },
  };
}

let svc: ServiceFixture;
let timers: ReturnType<typeof manualTimers>;
let sim: SimulatedCloud;
const booted: { instance: SimulatedInstance; credential: unknown }[] = [];

beforeEach(async () => {
  svc = await startService();
  booted.length = 0;
  timers = manualTimers();
  await svc.deps.plans.saveSettings({ cloudOffers: [offer] });
  await seedClient(svc.deps, "acme", { cloudAllowed: true, cloudBudgetPerMonth: 1000, guaranteedShare: 0 });
  sim = new SimulatedCloud({
    clock: svc.clock, offers: () => [offer], schedule: timers.schedule,
    issueCredential: async (nodeId, now) => ({ token: `node-token-${nodeId}`, expiresAt: now + HOUR }),
    // The booted agent registers as its instance id, as the cloud agent does with its role session.
    bootAgent: async (instance, credential) => {
      booted.push({ instance, credential });
      await registerAgent(svc.deps, { nodeId: instance.instanceId, hostname: `ip-${instance.instanceId}`, capabilities: { vcpu: 2, memoryGiB: 4, gpuCount: 0, os: "linux", cpuArch: "x86_64" } }, asAgent(instance.instanceId));
    },
    onNotice: (n) => handleCloudNotice(svc.deps, n, { kind: "system", component: "cloud-events" }),
  });
});
afterEach(async () => { await svc.stop(); });

const capacity = () => runCapacity(svc.deps, sim, { limits, farm: "local" }, system);
const cycle = () => runPlanningCycle(svc.deps, {}, planner);
const poll = (nodeId: string, tasks: Parameters<typeof pollAgent>[1]["tasks"] = []) => pollAgent(svc.deps, { nodeId, tasks }, asAgent(nodeId));
const running = (a: Assignment) => ({ taskId: a.taskId, token: a.token, state: "running" as const, progress: 0.5 });

describe("bursting through the simulated cloud", () => {
  it("burst request → launch → node record → agent boots and takes work → idle → terminated", async () => {
    // No local farm at all: a 40-frame job due in 2 hours can only be met in the cloud.
    const { job } = await submitJob(svc.deps, { body: nativeJob({ frames: "1-40", secondsPerFrame: 600, deadline: new Date(T0 + 2 * HOUR).toISOString() }) }, asClient("acme"));
    const plan = await cycle();
    expect(plan.burstRequests).toBeGreaterThan(0);
    const asked = (await svc.deps.plans.pendingBurst()).reduce((t, r) => t + r.count, 0);

    const launched = await capacity();
    expect(launched.launched).toHaveLength(asked);
    const id = launched.launched[0]!;
    expect(await svc.deps.nodes.get(id)).toMatchObject({ pool: "cloud", status: "booting", instanceType: "c6i.8xlarge", market: "spot", pricePerHour: 0.5, clientId: "acme", awaitingFirstTask: true });

    svc.clock.advance(2 * MIN);
    await timers.runUntil(svc.clock.now());
    expect(booted.map((b) => b.instance.instanceId).sort()).toEqual([...launched.launched].sort());
    expect(booted[0]!.credential).toEqual({ token: `node-token-${booted[0]!.instance.instanceId}`, expiresAt: svc.clock.now() + HOUR });
    // The agent's registration attached to the launch record: its claims about price and pool changed nothing.
    expect(await svc.deps.nodes.get(id)).toMatchObject({ pool: "cloud", status: "ready", pricePerHour: 0.5, capabilities: offer.capabilities });

    await cycle();
    const first = await poll(id);
    expect(first.assignments.length).toBeGreaterThan(0);
    expect(first.assignments[0]!.jobId).toBe(job.id);
    // Its first task handed over: the plan may now judge it surplus like any other rented node.
    expect((await svc.deps.nodes.get(id))?.awaitingFirstTask).toBeUndefined();
    const a = first.assignments[0]!;
    svc.clock.advance(10 * MIN);
    await poll(id, [{ taskId: a.taskId, token: a.token, state: "succeeded", startedAt: svc.clock.now() - 10 * MIN, endedAt: svc.clock.now() }]);
    await reclaimExpiredLeases(svc.deps); // the report's usage is booked when the planner folds it (its stage alone)
    const usage = await clientUsage(svc.deps, { clientId: "acme", from: "2026-11-23", to: "2026-11-23" }, operator);
    // Charged from the launch record's price: 10 minutes at 0.50/h.
    expect(usage[0]!.cloudCost).toBeCloseTo(0.5 / 6, 6);

    // Nothing else for the cloud: cancel the job; once idle past idleReleaseSec the plan releases the nodes.
    await cancelJob(svc.deps, { jobId: job.id }, operator);
    for (const n of launched.launched) await poll(n);
    svc.clock.advance(6 * MIN);
    for (const n of launched.launched) await poll(n);
    await cycle();
    const released = await capacity();
    expect(released.terminated.sort()).toEqual([...launched.launched].sort());
    expect(sim.instances.get(id)?.state).toBe("terminated");
    expect(await svc.deps.nodes.get(id)).toMatchObject({ status: "disabled", cloud: { terminateReason: "released by the plan (idle)" } });
    // The simulated cloud billed each instance from launch to termination at its offer's price.
    expect(sim.bill()).toBeCloseTo(asked * 0.5 * (18 / 60), 6);
  });

  it("an interruption warning mid-frame requeues the frame elsewhere, retry count unchanged, nothing run twice", async () => {
    await seedNode(svc.deps, "onprem-1");
    await svc.deps.nodes.update("onprem-1", (n) => ({ next: { ...n, status: "disabled" }, result: null }));
    const { job } = await submitJob(svc.deps, { body: nativeJob({ frames: "1", secondsPerFrame: 600, deadline: new Date(T0 + HOUR).toISOString() }) }, asClient("acme"));
    await cycle();
    const { launched } = await capacity();
    expect(launched.length).toBeGreaterThan(0);
    svc.clock.advance(2 * MIN);
    await timers.runUntil(svc.clock.now());
    await cycle();
    const holder = launched[0]!;
    const [a] = (await poll(holder)).assignments;
    expect(a).toBeDefined();
    await poll(holder, [running(a!)]);

    // EC2's two-minute warning: the server acts without waiting for the agent.
    await sim.notify(holder, "interruption");
    const afterNotice = (await svc.deps.jobs.get(job.id))!;
    expect(afterNotice.steps[0]!.pending).toEqual([{ from: 0, to: 0 }]);
    expect(afterNotice.steps[0]!.leases).toEqual([]);
    expect(afterNotice.steps[0]!.failedAttempts).toEqual({});
    expect(afterNotice.errorCount).toBe(0);

    // Its agent is told at its next poll: stop, and drop the frame it holds.
    const told = await poll(holder, [running(a!)]);
    expect(told.desiredStatus).toBe("stop");
    expect(told.cancel.map((c) => c.taskId)).toEqual([a!.taskId]);
    const late = await poll(holder, [{ taskId: a!.taskId, token: a!.token, state: "interrupted" }]);
    // Already settled as interrupted by the notice: the agent's own report changes nothing.
    expect(late.acknowledged).toEqual([{ taskId: a!.taskId, token: a!.token, outcome: "duplicate" }]);

    // The frame re-runs elsewhere: on-prem node back, next plan gives it the frame.
    await svc.deps.nodes.update("onprem-1", (n) => ({ next: { ...n, status: "ready", lastSeenAt: svc.clock.now() }, result: null }));
    await cycle();
    const others = [...launched.slice(1), "onprem-1"];
    let rerun: { nodeId: string; a: Assignment } | undefined;
    for (const n of others) { const r = await poll(n); if (r.assignments[0]) rerun = { nodeId: n, a: r.assignments[0] }; }
    expect(rerun?.nodeId).not.toBe(holder);
    expect((await poll(holder)).assignments).toEqual([]);
    await poll(rerun!.nodeId, [{ taskId: rerun!.a.taskId, token: rerun!.a.token, state: "succeeded" }]);
    await reclaimExpiredLeases(svc.deps); // the planner's fold: the job is done
    const done = (await svc.deps.jobs.get(job.id))!;
    expect(done.status).toBe("done");
    expect(done.steps[0]!.done).toEqual([{ from: 0, to: 0 }]);
    expect(done.steps[0]!.failedAttempts).toEqual({});

    // Two minutes on, the cloud takes the instance; the next run records it terminated.
    svc.clock.advance(2 * MIN);
    await timers.runUntil(svc.clock.now());
    expect(sim.instances.get(holder)?.state).toBe("terminated");
    expect((await capacity()).terminated).toContain(holder);
  });
});
