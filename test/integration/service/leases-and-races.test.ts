import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MIN } from "../../builders/planner.ts";
import type { Assignment as PlanAssignment, Plan, Snapshot } from "../../../lib/planner/index.ts";
import { taskId } from "../../../lib/planner/index.ts";
import { submitJob } from "../../../lib/service/submit-job.ts";
import { getJob } from "../../../lib/service/get-job.ts";
import { pollAgent } from "../../../lib/service/poll-agent.ts";
import { completeTask } from "../../../lib/service/settle-task.ts";
import { runPlanningCycle } from "../../../lib/service/run-planning-cycle.ts";
import { queryAudit } from "../../../lib/service/query-audit.ts";
import { reclaimExpiredLeases } from "../../../lib/service/reclaim-expired-leases.ts";
import { StaleLeaseError } from "../../../lib/service/errors.ts";
import type { ServiceDeps } from "../../../lib/service/ports.ts";
import { countRanges } from "../../../lib/service/ranges.ts";
import {
  asAgent, asClient, cancelOpenJobs, nativeJob, operator, planner, seedClient, seedNode, startService, type ServiceFixture,
} from "../../support/service-fixture.ts";

/** A greedy stand-in planner: every pending task to the free nodes, in the given node order. */
function greedy(order: "forward" | "reverse") {
  return (snapshot: Snapshot, _p: unknown, now: number): Plan => {
    const nodes = snapshot.nodes.filter((n) => n.status === "ready" && n.leases.length === 0);
    if (order === "reverse") nodes.reverse();
    const assignments: PlanAssignment[] = [];
    for (const j of snapshot.jobs) for (const s of j.steps) for (const r of s.pending) for (let i = r.from; i <= r.to; i++) {
      const node = nodes.shift();
      if (!node) break;
      assignments.push({ nodeId: node.id, jobId: j.id, stepName: s.name, taskIndex: i, taskId: taskId(j.id, s.name, i), frames: i, estimatedSec: 60, queued: false, reason: "test" });
    }
    return { at: now, jobs: [], assignments, preemptions: [], burst: [], nodeActions: [], shares: [], warnings: [] };
  };
}

/** Lock never refused: two planners really overlap, only the conditional writes protect. */
function withoutLock(deps: ServiceDeps): ServiceDeps {
  return { ...deps, plans: Object.assign(Object.create(deps.plans), { tryLock: async () => true, unlock: async () => {} }) };
}

describe("leases under races and failures", () => {
  let svc: ServiceFixture;
  const nodes = ["n1", "n2", "n3", "n4", "n5", "n6"];
  beforeAll(async () => {
    svc = await startService();
    await seedClient(svc.deps, "A", { guaranteedShare: 0.5 });
    for (const n of nodes) await seedNode(svc.deps, n);
  });
  afterAll(async () => { await svc.stop(); });
  beforeEach(async () => {
    svc.clock.advance(10 * MIN);
    await cancelOpenJobs(svc.deps);
    for (const n of nodes) await pollAgent(svc.deps, { nodeId: n, tasks: [] }, asAgent(n)); // all alive, inboxes cleared
  });

  it("two planning cycles at once never assign a task twice", async () => {
    const { job } = await submitJob(svc.deps, { body: nativeJob({ frames: "1-4" }) }, asClient("A"));
    const deps = withoutLock(svc.deps);
    const [r1, r2] = await Promise.all([
      runPlanningCycle(deps, { owner: "p1", plan: greedy("forward") }, planner),
      runPlanningCycle(deps, { owner: "p2", plan: greedy("reverse") }, planner),
    ]);
    expect(r1.ran && r2.ran).toBe(true);
    expect(r1.assignmentsWritten + r2.assignmentsWritten).toBe(4);
    expect(r1.assignmentsSkipped + r2.assignmentsSkipped).toBe(4);
    const stored = (await svc.deps.jobs.get(job.id))!;
    const leases = stored.steps[0]!.leases;
    expect(new Set(leases.map((l) => l.taskIndex)).size).toBe(4);
    expect(leases).toHaveLength(4);
    expect(countRanges(stored.steps[0]!.pending)).toBe(0);
    // Each task reaches exactly one agent.
    const delivered = [];
    for (const n of nodes) delivered.push(...(await pollAgent(svc.deps, { nodeId: n, tasks: [] }, asAgent(n))).assignments.filter((a) => a.jobId === job.id));
    expect(delivered.map((a) => a.taskIndex).sort()).toEqual([0, 1, 2, 3]);
  });

  it("with the planner lock, a second concurrent cycle stands down", async () => {
    await submitJob(svc.deps, { body: nativeJob({ frames: "1-2" }) }, asClient("A"));
    const results = await Promise.all([
      runPlanningCycle(svc.deps, { owner: "p1", plan: greedy("forward") }, planner),
      runPlanningCycle(svc.deps, { owner: "p2", plan: greedy("forward") }, planner),
    ]);
    expect(results.map((r) => r.ran).sort()).toEqual([false, true]);
  });

  it("an agent that vanishes mid-frame loses its lease; the frame is rendered elsewhere, once", async () => {
    const { job } = await submitJob(svc.deps, { body: nativeJob({ frames: "1-3" }) }, asClient("A"));
    await runPlanningCycle(svc.deps, { plan: greedy("forward") }, planner);
    const got = new Map<string, { taskId: string; token: string }[]>();
    for (const n of nodes) {
      const r = await pollAgent(svc.deps, { nodeId: n, tasks: [] }, asAgent(n));
      got.set(n, r.assignments.filter((a) => a.jobId === job.id).map((a) => ({ taskId: a.taskId, token: a.token })));
    }
    const [vanished, lost] = [...got.entries()].find(([, a]) => a.length > 0)!;
    const lostTask = lost[0]!;
    // Everyone else keeps polling (renewing) for 3 minutes; the vanished node says nothing.
    for (let t = 0; t < 12; t++) {
      svc.clock.advance(15_000);
      for (const [n, tasks] of got) if (n !== vanished) {
        await pollAgent(svc.deps, { nodeId: n, tasks: tasks.map((x) => ({ ...x, state: "running" as const })) }, asAgent(n));
      }
    }
    // The next cycle reclaims the lapsed lease and gives the frame to a node that is free.
    const cycle = await runPlanningCycle(svc.deps, { plan: greedy("forward") }, planner);
    expect(cycle.leasesExpired).toBe(1);
    const stored = (await svc.deps.jobs.get(job.id))!;
    const newLease = stored.steps[0]!.leases.find((l) => taskId(job.id, "render", l.taskIndex) === lostTask.taskId)!;
    expect(newLease.nodeId).not.toBe(vanished);
    const lapsed = (await queryAudit(svc.deps, { clientId: "A" }, operator)).items.filter((e) => e.action === "task.lease-expired");
    expect(lapsed.map((e) => [e.target.id, (e.before as { nodeId: string }).nodeId])).toEqual([[lostTask.taskId, vanished]]);
    // The vanished node comes back and reports the frame done: too late, it is told it is stale.
    await expect(completeTask(svc.deps, { nodeId: vanished, ...lostTask }, asAgent(vanished))).rejects.toBeInstanceOf(StaleLeaseError);
    const back = await pollAgent(svc.deps, { nodeId: vanished, tasks: [{ ...lostTask, state: "running" }] }, asAgent(vanished));
    expect(back.cancel.map((c) => c.taskId)).toEqual([lostTask.taskId]);
    // Everyone finishes: every frame done exactly once.
    for (const [n, tasks] of got) if (n !== vanished) for (const t of tasks) await completeTask(svc.deps, { nodeId: n, ...t }, asAgent(n));
    await completeTask(svc.deps, { nodeId: newLease.nodeId, taskId: lostTask.taskId, token: newLease.token }, asAgent(newLease.nodeId));
    await reclaimExpiredLeases(svc.deps); // the next cycle's fold
    const view = await getJob(svc.deps, { jobId: job.id }, operator);
    expect(view.status).toBe("done");
    expect(view.progress).toMatchObject({ tasks: 3, done: 3, running: 0, pending: 0, failed: 0 });
  });

  it("a completion racing the lease reclaim is settled one way, never both", async () => {
    const { job } = await submitJob(svc.deps, { body: nativeJob({ frames: "1" }) }, asClient("A"));
    await runPlanningCycle(svc.deps, { plan: greedy("forward") }, planner);
    const lease = (await svc.deps.jobs.get(job.id))!.steps[0]!.leases[0]!;
    svc.clock.advance(10 * MIN); // lapsed
    const [complete, cycle] = await Promise.allSettled([
      completeTask(svc.deps, { nodeId: lease.nodeId, taskId: taskId(job.id, "render", 0), token: lease.token }, asAgent(lease.nodeId)),
      runPlanningCycle(svc.deps, { plan: () => ({ at: 0, jobs: [], assignments: [], preemptions: [], burst: [], nodeActions: [], shares: [], warnings: [] }) }, planner),
    ]);
    const stored = (await svc.deps.jobs.get(job.id))!.steps[0]!;
    if (complete.status === "fulfilled") {
      expect(countRanges(stored.done)).toBe(1);
      expect(cycle.status === "fulfilled" && cycle.value.leasesExpired).toBe(0);
    } else {
      expect(complete.reason).toBeInstanceOf(StaleLeaseError);
      expect(countRanges(stored.pending)).toBe(1);
    }
    expect(countRanges(stored.done) + countRanges(stored.pending) + stored.leases.length).toBe(1);
  });
});
