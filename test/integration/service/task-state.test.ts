/**
 * The task-state paths end to end through dynalite: many agents settling one job at once, a
 * failing job isolated in the cycle, polls that renew without reading any job, and the
 * per-container settings cache and plan-trigger coalescing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeleteCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { taskId, type Plan } from "../../../lib/planner/index.ts";
import { CoalescingTrigger, cachedSettings } from "../../../lib/adapters/aws/per-container.ts";
import { submitJob } from "../../../lib/service/submit-job.ts";
import { getJob } from "../../../lib/service/get-job.ts";
import { pollAgent } from "../../../lib/service/poll-agent.ts";
import { runPlanningCycle } from "../../../lib/service/run-planning-cycle.ts";
import type { PlanStore, ServiceDeps, TaskStore } from "../../../lib/service/ports.ts";
import { requeueExhaustedTasks } from "../../../lib/service/tasks/requeue-exhausted.ts";
import { asAgent, asClient, cancelOpenJobs, nativeJob, planner, seedClient, seedNode, startService, type ServiceFixture } from "../../support/service-fixture.ts";

const empty = (now: number): Plan => ({ at: now, jobs: [], assignments: [], preemptions: [], burst: [], nodeActions: [], shares: [], warnings: [] });
const NODES = Array.from({ length: 40 }, (_, i) => `t${String(i).padStart(2, "0")}`);

/** Every task of the jobs to the listed nodes, one each, in order. */
function oneEach(nodes: string[], jobIds: string[], tasksPerJob: number) {
  return (_s: unknown, _p: unknown, now: number): Plan => ({
    ...empty(now),
    assignments: jobIds.flatMap((jobId, j) => Array.from({ length: tasksPerJob }, (_, i) => ({
      nodeId: nodes[j * tasksPerJob + i]!, jobId, stepName: "render", taskIndex: i, taskId: taskId(jobId, "render", i), frames: i, estimatedSec: 60, queued: false, reason: "test",
    }))),
  });
}

describe("task state at scale", () => {
  let svc: ServiceFixture;
  beforeAll(async () => {
    svc = await startService();
    await seedClient(svc.deps, "A", { guaranteedShare: 0.5 });
    for (const n of NODES) await seedNode(svc.deps, n);
  });
  afterAll(async () => { await svc.stop(); });

  it("accepts 40 agents finishing tasks of one job at the same instant, each exactly once", async () => {
    await cancelOpenJobs(svc.deps);
    const { job } = await submitJob(svc.deps, { body: nativeJob({ frames: "1-40" }) }, asClient("A"));
    await runPlanningCycle(svc.deps, { plan: oneEach(NODES, [job.id], 40) }, planner);
    const handed = await Promise.all(NODES.map(async (n) => ({ n, a: (await pollAgent(svc.deps, { nodeId: n, tasks: [] }, asAgent(n))).assignments[0]! })));
    const replies = await Promise.all(handed.map(({ n, a }) => pollAgent(svc.deps, { nodeId: n, tasks: [{ taskId: a.taskId, token: a.token, state: "succeeded" }] }, asAgent(n))));
    expect(replies.map((r) => r.acknowledged[0]!.outcome)).toEqual(NODES.map(() => "accepted"));
    expect((await getJob(svc.deps, { jobId: job.id }, asClient("A"))).progress).toMatchObject({ done: 40, running: 0 });
    await runPlanningCycle(svc.deps, { plan: (_s, _p, now) => empty(now) }, planner);
    const view = await getJob(svc.deps, { jobId: job.id }, asClient("A"));
    expect(view).toMatchObject({ status: "done", progress: { tasks: 40, done: 40, running: 0, pending: 0 } });
    const again = await pollAgent(svc.deps, { nodeId: handed[0]!.n, tasks: [{ taskId: handed[0]!.a.taskId, token: handed[0]!.a.token, state: "succeeded" }] }, asAgent(handed[0]!.n));
    expect(again.acknowledged[0]!.outcome).toBe("duplicate"); // after the fold, from the shard's recent tokens
  });

  it("isolates a job whose task state cannot be written: a warning in the plan, the other job's leases delivered", async () => {
    await cancelOpenJobs(svc.deps);
    svc.clock.advance(60_000);
    const broken = (await submitJob(svc.deps, { body: nativeJob({ frames: "1-2", name: "broken" }) }, asClient("A"))).job.id;
    const fine = (await submitJob(svc.deps, { body: nativeJob({ frames: "1-2", name: "fine" }) }, asClient("A"))).job.id;
    const tasks: TaskStore = Object.assign(Object.create(Object.getPrototypeOf(svc.deps.tasks)), svc.deps.tasks, {
      write: ((next, seen, open) => next.jobId === broken ? Promise.reject(new Error("storage refused the item")) : svc.deps.tasks.write(next, seen, open)) as TaskStore["write"],
    });
    const r = await runPlanningCycle({ ...svc.deps, tasks }, { plan: oneEach(NODES, [broken, fine], 2) }, planner);
    expect(r).toMatchObject({ ran: true, assignmentsWritten: 2, assignmentsSkipped: 2 });
    expect(r.warnings.join("\n")).toMatch(new RegExp(`job ${broken}: leases not granted this cycle \\(storage refused the item\\)`));
    expect((await svc.deps.plans.latest())!.warnings.join("\n")).toContain(broken);
    const delivered = (await Promise.all(NODES.slice(0, 4).map(async (n) => (await pollAgent(svc.deps, { nodeId: n, tasks: [] }, asAgent(n))).assignments))).flat();
    expect(delivered.map((a) => a.jobId)).toEqual([fine, fine]);
  });

  it("leaves out a job whose stored item cannot be read, with a warning, and plans the rest", async () => {
    await cancelOpenJobs(svc.deps);
    svc.clock.advance(60_000);
    const fine = (await submitJob(svc.deps, { body: nativeJob({ frames: "1", name: "fine" }) }, asClient("A"))).job.id;
    await svc.aws.doc.send(new PutCommand({ TableName: svc.aws.tableName, Item: {
      pk: "JOB#job-corrupt", sk: "JOB", id: "job-corrupt", clientId: "A", status: "queued", version: 1,
      defsZ: Buffer.from("not gzip"), gsi1pk: "JOBS#active", gsi1sk: "000000000000001#job-corrupt",
    } }));
    const r = await runPlanningCycle(svc.deps, { plan: oneEach(NODES, [fine], 1) }, planner);
    expect(r.warnings).toContain("job job-corrupt: its stored items cannot be read; left out of this plan");
    expect(r.assignmentsWritten).toBe(1);
    await svc.aws.doc.send(new DeleteCommand({ TableName: svc.aws.tableName, Key: { pk: "JOB#job-corrupt", sk: "JOB" } }));
  });

  it("renews a running task's lease in a poll that reads no job and no shard", async () => {
    await cancelOpenJobs(svc.deps);
    svc.clock.advance(60_000);
    const { job } = await submitJob(svc.deps, { body: nativeJob({ frames: "1" }) }, asClient("A"));
    await runPlanningCycle(svc.deps, { plan: oneEach(NODES, [job.id], 1) }, planner);
    const [a] = (await pollAgent(svc.deps, { nodeId: NODES[0]!, tasks: [] }, asAgent(NODES[0]!))).assignments;
    const refuse = () => { throw new Error("a poll must not read task state"); };
    const blind: ServiceDeps = { ...svc.deps, jobs: { ...svc.deps.jobs, get: refuse, list: refuse, listActive: refuse, listActiveWithOrphans: refuse }, tasks: { ...svc.deps.tasks, shard: refuse } };
    for (let i = 0; i < 12; i++) { // three minutes of polls: past the 120 s lease
      svc.clock.advance(15_000);
      const r = await pollAgent(blind, { nodeId: NODES[0]!, tasks: [{ taskId: a!.taskId, token: a!.token, state: "running", progress: i / 12 }] }, asAgent(NODES[0]!));
      expect(r.cancel).toEqual([]);
    }
    const cycle = await runPlanningCycle(svc.deps, { plan: (_s, _p, now) => empty(now) }, planner);
    expect(cycle.leasesExpired).toBe(0);
    expect((await svc.deps.jobs.get(job.id))!.steps[0]!.leases.map((l) => l.token)).toEqual([a!.token]);

    // What a poll costs: renewing is a Query and an UpdateItem; finishing adds the report's one
    // conditional write and (the slot frees with nothing queued) one plan trigger. (The first
    // poll that reported the task already removed its inbox entry.)
    await svc.deps.plans.settings(); // the container's cached copy (5 s), as in a busy poll Lambda
    let requests = 0;
    const count = (next: (x: unknown) => Promise<unknown>) => async (x: unknown) => { requests++; return next(x); };
    svc.aws.ddb.middlewareStack.add(count as never, { step: "initialize", name: "count-ddb" });
    svc.aws.sqs.middlewareStack.add(count as never, { step: "initialize", name: "count-sqs" });
    await pollAgent(svc.deps, { nodeId: NODES[0]!, tasks: [{ taskId: a!.taskId, token: a!.token, state: "running" }] }, asAgent(NODES[0]!));
    expect(requests).toBe(2);
    requests = 0;
    await pollAgent(svc.deps, { nodeId: NODES[0]!, tasks: [{ taskId: a!.taskId, token: a!.token, state: "succeeded" }] }, asAgent(NODES[0]!));
    expect(requests).toBe(4);
    svc.aws.ddb.middlewareStack.remove("count-ddb");
    svc.aws.sqs.middlewareStack.remove("count-sqs");
  });
});

describe("requeueing a failed job's tasks", () => {
  let svc: ServiceFixture;
  beforeAll(async () => {
    svc = await startService();
    await seedClient(svc.deps, "A", { guaranteedShare: 0.5 });
    await seedNode(svc.deps, "r1");
  });
  afterAll(async () => { await svc.stop(); });

  it("brings exhausted tasks and the closed shards back into the planner's view, without rerunning done ones", async () => {
    const { job } = await submitJob(svc.deps, { body: nativeJob({ frames: "1-2" }) }, asClient("A"));
    const run = async (outcome: "succeeded" | "failed", index: number) => {
      await runPlanningCycle(svc.deps, { plan: ((_s, _p, now) => ({ ...empty(now), assignments: [{ nodeId: "r1", jobId: job.id, stepName: "render", taskIndex: index, taskId: taskId(job.id, "render", index), frames: index, estimatedSec: 60, queued: false, reason: "test" }] })) }, planner);
      const [a] = (await pollAgent(svc.deps, { nodeId: "r1", tasks: [] }, asAgent("r1"))).assignments;
      await pollAgent(svc.deps, { nodeId: "r1", tasks: [{ taskId: a!.taskId, token: a!.token, state: outcome }] }, asAgent("r1"));
    };
    await run("succeeded", 0);
    for (let k = 0; k < 3; k++) await run("failed", 1); // retriesPerTask = 3
    await runPlanningCycle(svc.deps, { plan: (_s, _p, now) => empty(now) }, planner); // folds: the job fails
    await runPlanningCycle(svc.deps, { plan: (_s, _p, now) => empty(now) }, planner); // closes its shards
    expect((await getJob(svc.deps, { jobId: job.id }, asClient("A")))).toMatchObject({ status: "failed", progress: { done: 1, failed: 1 } });
    expect(await requeueExhaustedTasks(svc.deps, (await svc.deps.jobs.get(job.id))!)).toBe(1);
    let seen: string[] = [];
    await runPlanningCycle(svc.deps, { plan: (s, _p, now) => { seen = s.jobs.filter((j) => j.id === job.id).flatMap((j) => j.steps.flatMap((st) => st.pending.map((r) => `${r.from}-${r.to}`))); return empty(now); } }, planner);
    expect(seen).toEqual(["1-1"]); // task 0 stays done
    expect((await getJob(svc.deps, { jobId: job.id }, asClient("A")))).toMatchObject({ status: "queued", progress: { done: 1, pending: 1, failed: 0 } });
  });
});

describe("per container", () => {
  it("reads the farm settings once within the cache time, again after it or after a save", async () => {
    let reads = 0;
    const store = { settings: async () => { reads++; return { tariff: null, cloudOffers: [], policy: {} }; }, saveSettings: async () => {} } as unknown as PlanStore;
    const cached = cachedSettings(store, 60_000);
    await Promise.all([cached.settings(), cached.settings(), cached.settings()]);
    expect(reads).toBe(1);
    await cached.saveSettings({});
    await cached.settings();
    expect(reads).toBe(2);
    const uncached = cachedSettings(store, 0);
    await uncached.settings();
    expect(reads).toBe(3);
  });

  it("coalesces plan requests made while one is being sent, and drops none made after", async () => {
    const sent: string[] = [];
    let release!: () => void;
    const trigger = new CoalescingTrigger({ requestPlan: (reason) => { sent.push(reason); return new Promise<void>((r) => { release = r; }); } });
    const first = trigger.requestPlan("a", 1);
    const second = trigger.requestPlan("b", 2);
    release();
    await Promise.all([first, second]);
    expect(sent).toEqual(["a"]);
    const third = trigger.requestPlan("c", 3);
    release();
    await third;
    expect(sent).toEqual(["a", "c"]);
  });
});
