import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIN } from "../../builders/planner.ts";
import { submitJob } from "../../../lib/service/submit-job.ts";
import { getJob } from "../../../lib/service/get-job.ts";
import { pollAgent } from "../../../lib/service/poll-agent.ts";
import { completeTask, failTask } from "../../../lib/service/settle-task.ts";
import { runPlanningCycle } from "../../../lib/service/run-planning-cycle.ts";
import { clientUsage } from "../../../lib/service/manage-clients.ts";
import { queryAudit } from "../../../lib/service/query-audit.ts";
import { cancelJob } from "../../../lib/service/cancel-job.ts";
import { reclaimExpiredLeases } from "../../../lib/service/reclaim-expired-leases.ts";
import { RetryableError, StaleLeaseError } from "../../../lib/service/errors.ts";
import { asAgent, asClient, cancelOpenJobs, nativeJob, operator, planner, seedClient, seedNode, startService, type ServiceFixture } from "../../support/service-fixture.ts";

describe("an agent's life: register, poll, render, report", () => {
  let svc: ServiceFixture;
  beforeAll(async () => {
    svc = await startService();
    await seedClient(svc.deps, "A", { guaranteedShare: 0.5 });
    await seedNode(svc.deps, "n1");
  });
  afterAll(async () => { await svc.stop(); });

  it("hands a planned task over in the poll reply, accepts its completion once, and bills it", async () => {
    const { job } = await submitJob(svc.deps, { body: nativeJob({ frames: "1-2", chunkSize: 1 }) }, asClient("A"));
    const cycle = await runPlanningCycle(svc.deps, {}, planner);
    expect(cycle).toMatchObject({ ran: true });
    expect(cycle.assignmentsWritten).toBeGreaterThan(0);

    const reply = await pollAgent(svc.deps, { nodeId: "n1", tasks: [] }, asAgent("n1"));
    expect(reply.assignments.length).toBeGreaterThan(0);
    const a = reply.assignments[0]!;
    expect(a).toMatchObject({ jobId: job.id, stepName: "render", kind: "render-cpu" });
    expect(a.frames).toEqual([a.taskIndex + 1]);
    expect((await getJob(svc.deps, { jobId: job.id }, asClient("A"))).why?.outcome).toBeDefined();

    // Render for 30 minutes, reporting progress, then report success twice (a retried request).
    const startedAt = svc.clock.now();
    const running = await pollAgent(svc.deps, { nodeId: "n1", tasks: [{ taskId: a.taskId, token: a.token, state: "running", progress: 0.5, startedAt }] }, asAgent("n1"));
    expect(running.cancel).toEqual([]);
    expect(running.assignments.map((x) => x.taskId)).not.toContain(a.taskId);
    svc.clock.advance(30 * MIN);
    const done = { taskId: a.taskId, token: a.token, state: "succeeded" as const, startedAt, endedAt: svc.clock.now() };
    const first = await pollAgent(svc.deps, { nodeId: "n1", tasks: [done] }, asAgent("n1"));
    const second = await pollAgent(svc.deps, { nodeId: "n1", tasks: [done] }, asAgent("n1"));
    expect(first.acknowledged).toEqual([{ taskId: a.taskId, token: a.token, outcome: "accepted" }]);
    expect(first.nextPollSec).toBeLessThanOrEqual(1 + (first.assignments.length > 0 ? 14 : 0));
    expect(second.acknowledged[0]?.outcome).toBe("duplicate");

    // The completion asked for a plan; that cycle folds the report into progress, usage and the audit log.
    await runPlanningCycle(svc.deps, {}, planner);
    const view = await getJob(svc.deps, { jobId: job.id }, asClient("A"));
    expect(view.progress.done).toBe(1);
    const day = new Date(svc.clock.now()).toISOString().slice(0, 10);
    const usage = await clientUsage(svc.deps, { clientId: "A", from: day, to: day }, asClient("A"));
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({ tasks: 1, cloudNodeHours: 0 });
    expect(usage[0]!.onpremNodeHours).toBeCloseTo(0.5, 6);
    expect(usage[0]!.energyKWh).toBeCloseTo(0.4 * 0.5, 6); // 400 W busy × 0.5 h

    // 30 minutes for a 60-second estimate: the node is measured slow for this kind (clamped at 0.1).
    expect((await svc.deps.nodes.get("n1"))!.speed["render-cpu"]).toBe(0.1);

    const events = await queryAudit(svc.deps, { jobId: job.id }, asClient("A"));
    expect(events.items.map((e) => e.action)).toContain("job.submit");
    const taskEvents = await queryAudit(svc.deps, { clientId: "A" }, operator);
    expect(taskEvents.items.map((e) => e.action)).toContain("task.succeeded");
  });

  it("refuses a report with a token that is not the current lease", async () => {
    const { job } = await submitJob(svc.deps, { body: nativeJob({ frames: "1" }) }, asClient("A"));
    await expect(completeTask(svc.deps, { nodeId: "n1", taskId: `${job.id}:render:0`, token: "forged" }, asAgent("n1")))
      .rejects.toBeInstanceOf(StaleLeaseError);
    await expect(completeTask(svc.deps, { nodeId: "n2", taskId: `${job.id}:render:0`, token: "forged" }, asAgent("n1")))
      .rejects.toThrow(/only agent n2/);
  });

  it("counts a failure against retries but not an interruption", async () => {
    svc.clock.advance(MIN);
    await cancelOpenJobs(svc.deps);
    const { job } = await submitJob(svc.deps, { body: nativeJob({ frames: "1", name: "flaky" }) }, asClient("A"));
    const attempt = async () => {
      await runPlanningCycle(svc.deps, {}, planner);
      const r = await pollAgent(svc.deps, { nodeId: "n1", tasks: [] }, asAgent("n1"));
      const a = r.assignments.find((x) => x.jobId === job.id);
      if (!a) throw new Error(`no assignment: ${JSON.stringify((await getJob(svc.deps, { jobId: job.id }, operator)).why)}`);
      return a;
    };
    const a1 = await attempt();
    await failTask(svc.deps, { nodeId: "n1", taskId: a1.taskId, token: a1.token, kind: "interrupted" }, asAgent("n1"));
    const a2 = await attempt();
    await failTask(svc.deps, { nodeId: "n1", taskId: a2.taskId, token: a2.token, kind: "failed", message: "segfault" }, asAgent("n1"));
    await reclaimExpiredLeases(svc.deps); // the planner's fold, on its own
    const view = await getJob(svc.deps, { jobId: job.id }, operator);
    expect(view.progress).toMatchObject({ pending: 1, failed: 0, done: 0 });
    const a3 = await attempt();
    await failTask(svc.deps, { nodeId: "n1", taskId: a3.taskId, token: a3.token, kind: "failed" }, asAgent("n1"));
    const a4 = await attempt();
    await failTask(svc.deps, { nodeId: "n1", taskId: a4.taskId, token: a4.token, kind: "failed" }, asAgent("n1"));
    await runPlanningCycle(svc.deps, {}, planner);
    const final = await getJob(svc.deps, { jobId: job.id }, operator);
    expect(final.status).toBe("failed"); // 3 failed attempts = retriesPerTask; the interruption did not count
    expect(final.progress.failed).toBe(1);
    const n1 = (await svc.deps.nodes.get("n1"))!;
    expect(n1.failuresByJob?.[job.id]).toBe(3);
    expect(n1.blocklist).toContain(job.id); // blocklistAfter = 3
  });

  it("bills a cloud node's time to the client and spends its cloud budget", async () => {
    svc.clock.advance(MIN);
    await cancelOpenJobs(svc.deps);
    await seedClient(svc.deps, "C", { guaranteedShare: 0, cloudAllowed: true, cloudBudgetPerMonth: 100 });
    await seedNode(svc.deps, "c1", { pool: "cloud", instanceType: "c7i.8xlarge", market: "spot", pricePerHour: 2, clientId: "C" });
    const { job } = await submitJob(svc.deps, { body: nativeJob({ frames: "1" }) }, asClient("C"));
    await runPlanningCycle(svc.deps, {
      plan: (_s, _p, now) => ({ at: now, jobs: [], preemptions: [], burst: [], nodeActions: [], shares: [], warnings: [],
        assignments: [{ nodeId: "c1", jobId: job.id, stepName: "render", taskIndex: 0, taskId: `${job.id}:render:0`, frames: 0, estimatedSec: 60, queued: false, reason: "test" }] }),
    }, planner);
    const [a] = (await pollAgent(svc.deps, { nodeId: "c1", tasks: [] }, asAgent("c1"))).assignments;
    const startedAt = svc.clock.now();
    svc.clock.advance(30 * MIN);
    await completeTask(svc.deps, { nodeId: "c1", taskId: a!.taskId, token: a!.token, startedAt, endedAt: svc.clock.now() }, asAgent("c1"));
    await runPlanningCycle(svc.deps, {}, planner);
    const day = new Date(svc.clock.now()).toISOString().slice(0, 10);
    const [usage] = await clientUsage(svc.deps, { clientId: "C", from: day, to: day }, operator);
    expect(usage).toMatchObject({ onpremNodeHours: 0, cloudNodeHours: 0.5, cloudCost: 1, energyCost: 0, tasks: 1 });
    expect((await svc.deps.clients.get("C"))!.cloudBudgetLeft).toBe(99);
  });

  it("tells the agent to stop a running frame when its job is canceled", async () => {
    svc.clock.advance(MIN);
    await cancelOpenJobs(svc.deps);
    const { job } = await submitJob(svc.deps, { body: nativeJob({ frames: "1", name: "doomed" }) }, asClient("A"));
    await pollAgent(svc.deps, { nodeId: "n1", tasks: [] }, asAgent("n1")); // alive (silent nodes count as offline)
    await runPlanningCycle(svc.deps, {}, planner);
    const nodeId = (await svc.deps.jobs.get(job.id))!.steps[0]!.leases[0]!.nodeId;
    const r = await pollAgent(svc.deps, { nodeId, tasks: [] }, asAgent(nodeId));
    const a = r.assignments.find((x) => x.jobId === job.id)!;
    await cancelJob(svc.deps, { jobId: job.id }, asClient("A"));
    const after = await pollAgent(svc.deps, { nodeId, tasks: [{ taskId: a.taskId, token: a.token, state: "running", progress: 0.2 }] }, asAgent(nodeId));
    expect(after.cancel).toEqual([{ taskId: a.taskId, token: a.token, reason: "job canceled" }]);
    await runPlanningCycle(svc.deps, {}, planner); // the cancel asked for one: it ends the job's leases
    const late = await pollAgent(svc.deps, { nodeId, tasks: [{ taskId: a.taskId, token: a.token, state: "succeeded" }] }, asAgent(nodeId));
    expect(late.acknowledged[0]?.outcome).toBe("stale");
    expect((await getJob(svc.deps, { jobId: job.id }, asClient("A"))).status).toBe("canceled");
  });

  it("hands over OpenJD task parameters, computed from the step's compact parameter space", async () => {
    svc.clock.advance(MIN);
    await cancelOpenJobs(svc.deps);
    await pollAgent(svc.deps, { nodeId: "n1", tasks: [] }, asAgent("n1"));
    const template = {
      specificationVersion: "jobtemplate-2023-09", name: "frames",
      steps: [{
        name: "Render",
        parameterSpace: { taskParameterDefinitions: [{ name: "Frame", type: "INT", range: "10-30:10" }, { name: "Eye", type: "STRING", range: ["left", "right"] }] },
        script: { actions: { onRun: { command: "render" } } },
      }],
    };
    const { job } = await submitJob(svc.deps, { body: { template, secondsPerTask: 30 } }, asClient("A"));
    expect(job.progress.tasks).toBe(6);
    await runPlanningCycle(svc.deps, {
      plan: (_s, _p, now) => ({ at: now, jobs: [], preemptions: [], burst: [], nodeActions: [], shares: [], warnings: [],
        assignments: [{ nodeId: "n1", jobId: job.id, stepName: "Render", taskIndex: 5, taskId: `${job.id}:Render:5`, frames: 5, estimatedSec: 30, queued: false, reason: "test" }] }),
    }, planner);
    const [a] = (await pollAgent(svc.deps, { nodeId: "n1", tasks: [] }, asAgent("n1"))).assignments;
    expect(a).toMatchObject({ taskId: `${job.id}:Render:5`, frames: null, params: { Frame: 30, Eye: "right" } });
  });

  it("keeps the heartbeat when a report cannot be recorded yet (storage throttled): the agent re-sends it", async () => {
    svc.clock.advance(MIN);
    await cancelOpenJobs(svc.deps);
    await pollAgent(svc.deps, { nodeId: "n1", tasks: [] }, asAgent("n1"));
    const { job } = await submitJob(svc.deps, { body: nativeJob({ frames: "1" }) }, asClient("A"));
    await runPlanningCycle(svc.deps, {
      plan: (_s, _p, now) => ({ at: now, jobs: [], preemptions: [], burst: [], nodeActions: [], shares: [], warnings: [],
        assignments: [{ nodeId: "n1", jobId: job.id, stepName: "render", taskIndex: 0, taskId: `${job.id}:render:0`, frames: 0, estimatedSec: 60, queued: false, reason: "test" }] }),
    }, planner);
    const [a] = (await pollAgent(svc.deps, { nodeId: "n1", tasks: [] }, asAgent("n1"))).assignments;
    const busyTasks = { ...svc.deps.tasks, settle: async () => { throw new RetryableError("task settle: storage is busy or unavailable (ThrottlingException); retry"); } } as typeof svc.deps.tasks;
    svc.clock.advance(MIN);
    const report = { taskId: a!.taskId, token: a!.token, state: "succeeded" as const };
    const busy = await pollAgent({ ...svc.deps, tasks: busyTasks }, { nodeId: "n1", tasks: [report] }, asAgent("n1"));
    expect(busy.acknowledged).toEqual([{ taskId: a!.taskId, token: a!.token, outcome: "retry" }]);
    expect(busy.cancel).toEqual([]);
    expect((await svc.deps.nodes.get("n1"))!).toMatchObject({ lastSeenAt: svc.clock.now(), holding: [expect.objectContaining({ token: a!.token })] });
    const again = await pollAgent(svc.deps, { nodeId: "n1", tasks: [report] }, asAgent("n1"));
    expect(again.acknowledged[0]?.outcome).toBe("accepted");
  });
});
