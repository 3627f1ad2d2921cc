import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIN, T0 } from "../../builders/planner.ts";
import type { JobDecision, Plan, Snapshot } from "../../../lib/planner/index.ts";
import { runPlanningCycle } from "../../../lib/service/run-planning-cycle.ts";
import { reclaimExpiredLeases } from "../../../lib/service/reclaim-expired-leases.ts";
import { pollAgent } from "../../../lib/service/poll-agent.ts";
import { submitJob } from "../../../lib/service/submit-job.ts";
import { registerAgent } from "../../../lib/service/register-agent.ts";
import { queryAudit } from "../../../lib/service/query-audit.ts";
import { asAgent, asClient, nativeJob, operator, planner, seedClient, seedNode, startService, type ServiceFixture } from "../../support/service-fixture.ts";

const empty = (now: number): Plan => ({ at: now, jobs: [], assignments: [], preemptions: [], burst: [], nodeActions: [], shares: [], warnings: [] });

describe("what a planning cycle records besides leases", () => {
  let svc: ServiceFixture;
  beforeAll(async () => {
    svc = await startService();
    await seedClient(svc.deps, "A", { cloudAllowed: true, cloudBudgetPerMonth: 100 });
    await seedNode(svc.deps, "n1");
  });
  afterAll(async () => { await svc.stop(); });

  it("records burst requests for the EC2 adapter and shows them to the next plan until settled", async () => {
    const burst = { clientId: "A", instanceType: "c7i.8xlarge", market: "spot" as const, count: 3, kind: "render-cpu", jobIds: ["j"], deadlineAt: T0 + 3_600_000, estimatedCost: 4.2, reason: "deficit 2.5 node-hours by 09:00" };
    await runPlanningCycle(svc.deps, { plan: (_s, _p, now) => ({ ...empty(now), burst: [burst] }) }, planner);
    const pending = await svc.deps.plans.pendingBurst();
    expect(pending).toEqual([{ ...burst, requestedAt: T0, index: 0 }]);

    let seen: Snapshot | undefined;
    svc.clock.advance(MIN);
    await runPlanningCycle(svc.deps, { plan: (s, _p, now) => { seen = s; return empty(now); } }, planner);
    expect(seen?.pendingBurst).toEqual([{ clientId: "A", instanceType: "c7i.8xlarge", market: "spot", count: 3 }]);

    await svc.deps.plans.settleBurst(T0, 0, "fulfilled");
    expect(await svc.deps.plans.pendingBurst()).toEqual([]);
  });

  it("hands the farm's cloud ceiling (ServiceDeps.cloudLimits, from the deployment's config) to the plan", async () => {
    let seen: Snapshot | undefined;
    svc.deps.cloudLimits = { maxSpendPerHour: 25, maxInstances: 6 };
    try {
      await runPlanningCycle(svc.deps, { plan: (s, _p, now) => { seen = s; return empty(now); } }, planner);
      expect(seen?.cloudLimits).toEqual({ maxSpendPerHour: 25, maxInstances: 6 });
    } finally {
      delete svc.deps.cloudLimits;
    }
  });

  it("turns a power-down into the agent's desired status, and re-registering wakes it", async () => {
    svc.clock.advance(MIN);
    await runPlanningCycle(svc.deps, { plan: (_s, _p, now) => ({ ...empty(now), nodeActions: [{ nodeId: "n1", action: "power-down", reason: "no work due for 6 h" }] }) }, planner);
    const reply = await pollAgent(svc.deps, { nodeId: "n1", tasks: [] }, asAgent("n1"));
    expect(reply.desiredStatus).toBe("stop");
    expect((await svc.deps.nodes.get("n1"))!.status).toBe("asleep");
    await registerAgent(svc.deps, { nodeId: "n1", hostname: "n1", capabilities: { vcpu: 32, memoryGiB: 128, gpuCount: 0, os: "linux", cpuArch: "x86_64" } }, asAgent("n1"));
    expect((await svc.deps.nodes.get("n1"))).toMatchObject({ status: "ready", desiredStatus: "run" });
    const audit = await queryAudit(svc.deps, {}, operator);
    expect(audit.items.map((e) => e.action)).toContain("node.power-down");
  });

  it("counts a woken node idle from its wake, not from before it slept (or it is powered down again at once)", async () => {
    const idleSince = async () => (await svc.deps.nodes.get("n1"))!.idleSince;
    const slept = await idleSince();
    expect(slept).toBeDefined();
    svc.clock.advance(MIN);
    await runPlanningCycle(svc.deps, { plan: (_s, _p, now) => ({ ...empty(now), nodeActions: [{ nodeId: "n1", action: "power-down", reason: "no work due for 6 h" }] }) }, planner);
    // Six hours asleep, then the plan wakes it (wake-on-LAN): idle since the wake.
    svc.clock.advance(6 * 60 * MIN);
    let seen: Snapshot | undefined;
    await runPlanningCycle(svc.deps, { plan: (_s, _p, now) => ({ ...empty(now), nodeActions: [{ nodeId: "n1", action: "wake", reason: "work due at 14:00" }] }) }, planner);
    const wokeAt = svc.clock.now();
    expect(await idleSince()).toBe(wokeAt);
    // Its first poll after the wake keeps it idle from the wake, and the next plan sees that.
    svc.clock.advance(MIN);
    await pollAgent(svc.deps, { nodeId: "n1", tasks: [] }, asAgent("n1"));
    expect(await idleSince()).toBe(wokeAt);
    await runPlanningCycle(svc.deps, { plan: (s, _p, now) => { seen = s; return empty(now); } }, planner);
    expect(seen?.nodes.find((n) => n.id === "n1")?.idleSince).toBe(wokeAt);
    expect(wokeAt - slept!).toBeGreaterThan(6 * 60 * MIN);
  });

  it("stores a plan with thousands of decisions (beyond one 400 KB item) and reads it back", async () => {
    const decisions: JobDecision[] = Array.from({ length: 5000 }, (_, i) => ({
      jobId: `job-${i}`, clientId: "A", outcome: "held", reason: `held: client A is at its maximum share; ${"x".repeat(60)} ${i}`,
      rank: i, slackSec: i * 7.5, effectiveDeadlineAt: T0 + i * 1000, atRisk: i % 7 === 0, projectedFinishAt: T0 + i * 999, remainingWorkSec: i * 3, tasksAssigned: 0,
    }));
    svc.clock.advance(MIN);
    await runPlanningCycle(svc.deps, { plan: (_s, _p, now) => ({ ...empty(now), jobs: decisions }) }, planner);
    const latest = await svc.deps.plans.latest();
    expect(latest?.at).toBe(svc.clock.now());
    expect(latest?.decisions).toHaveLength(5000);
    expect(latest?.decisions[4321]).toEqual(decisions[4321]);
  });

  it("preempts a checkpointable attempt: the task is pending again and the agent is told to stop", async () => {
    svc.clock.advance(MIN);
    await pollAgent(svc.deps, { nodeId: "n1", tasks: [] }, asAgent("n1"));
    const { job } = await submitJob(svc.deps, { body: nativeJob({ frames: "1", checkpointable: true }) }, asClient("A"));
    const tid = `${job.id}:render:0`;
    await runPlanningCycle(svc.deps, { plan: (_s, _p, now) => ({ ...empty(now), assignments: [{ nodeId: "n1", jobId: job.id, stepName: "render", taskIndex: 0, taskId: tid, frames: 0, estimatedSec: 60, queued: false, reason: "test" }] }) }, planner);
    const [a] = (await pollAgent(svc.deps, { nodeId: "n1", tasks: [] }, asAgent("n1"))).assignments;
    svc.clock.advance(MIN);
    await runPlanningCycle(svc.deps, { plan: (_s, _p, now) => ({ ...empty(now), preemptions: [{ nodeId: "n1", taskId: tid, reason: "client B below its guarantee" }] }) }, planner);
    const reply = await pollAgent(svc.deps, { nodeId: "n1", tasks: [{ taskId: tid, token: a!.token, state: "running" }] }, asAgent("n1"));
    expect(reply.cancel.map((c) => c.taskId)).toEqual([tid]);
    await reclaimExpiredLeases(svc.deps); // the next cycle folds the interruption
    const step = (await svc.deps.jobs.get(job.id))!.steps[0]!;
    expect(step).toMatchObject({ pending: [{ from: 0, to: 0 }], leases: [], failedAttempts: {} });
  });
});
