/**
 * Step.measured from the service, through dynalite: a succeeded attempt's reference seconds
 * (elapsed × the node's speed for the kind when its lease was granted) land in its shard in the
 * fold that makes the task done, and the planner's snapshot carries the step's sums — once per
 * attempt, however often it is reported and however often the fold has to retry.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { taskId, type Plan, type Snapshot } from "../../../lib/planner/index.ts";
import { submitJob } from "../../../lib/service/submit-job.ts";
import { pollAgent } from "../../../lib/service/poll-agent.ts";
import { completeTask, failTask } from "../../../lib/service/settle-task.ts";
import { runPlanningCycle } from "../../../lib/service/run-planning-cycle.ts";
import type { Assignment } from "../../../lib/service/views.ts";
import type { TaskStore } from "../../../lib/service/ports.ts";
import { asAgent, asClient, cancelOpenJobs, nativeJob, planner, seedClient, seedNode, startService, type ServiceFixture } from "../../support/service-fixture.ts";

const empty = (now: number): Plan => ({ at: now, jobs: [], assignments: [], preemptions: [], burst: [], nodeActions: [], shares: [], warnings: [] });
const KIND = "render-cpu";

describe("what a step's finished tasks measured", () => {
  let svc: ServiceFixture;
  beforeAll(async () => {
    svc = await startService();
    await seedClient(svc.deps, "A", { guaranteedShare: 0.5 });
    for (const n of ["m1", "m2"]) await seedNode(svc.deps, n);
  });
  afterAll(async () => { await svc.stop(); });

  /** A fresh job of 60-second frames, its tasks granted as listed (node ← task index), each node's speed for the kind set first. */
  async function granted(frames: string, tasks: [node: string, index: number][], speeds: Record<string, number> = { m1: 2, m2: 1.5 }) {
    await cancelOpenJobs(svc.deps);
    svc.clock.advance(60_000);
    for (const [n, s] of Object.entries(speeds)) await svc.deps.nodes.update(n, (r) => ({ next: { ...r, speed: { ...r.speed, [KIND]: s } }, result: null }));
    const { job } = await submitJob(svc.deps, { body: nativeJob({ frames, chunkSize: 1, secondsPerFrame: 60 }) }, asClient("A"));
    await runPlanningCycle(svc.deps, { plan: (_s, _p, now) => ({
      ...empty(now),
      assignments: tasks.map(([nodeId, i]) => ({ nodeId, jobId: job.id, stepName: "render", taskIndex: i, taskId: taskId(job.id, "render", i), frames: 1, estimatedSec: 60, queued: false, reason: "test" })),
    }) }, planner);
    const handed = new Map<number, Assignment & { nodeId: string }>();
    for (const n of new Set(tasks.map(([n]) => n))) {
      for (const a of (await pollAgent(svc.deps, { nodeId: n, tasks: [] }, asAgent(n))).assignments) if (a.jobId === job.id) handed.set(a.taskIndex, { ...a, nodeId: n });
    }
    return { jobId: job.id, handed };
  }

  /** One planning cycle; the snapshot the planner was given for the job's step. */
  async function measuredInSnapshot(jobId: string) {
    let seen: Snapshot | undefined;
    await runPlanningCycle(svc.deps, { plan: (s, _p, now) => { seen = s; return empty(now); } }, planner);
    return seen!.jobs.find((j) => j.id === jobId)?.steps[0]?.measured;
  }

  const settle = (a: Assignment & { nodeId: string }) => ({ nodeId: a.nodeId, taskId: a.taskId, token: a.token });

  it("adds a succeeded attempt at the speed it was planned at, once, however often it is reported", async () => {
    const { jobId, handed } = await granted("1-2", [["m1", 0]]);
    const a = handed.get(0)!;
    svc.clock.advance(90_000); // 90 s on a node of speed 2: 180 reference seconds
    expect((await completeTask(svc.deps, settle(a), asAgent("m1"))).result).toBe("accepted");
    expect((await completeTask(svc.deps, settle(a), asAgent("m1"))).result).toBe("duplicate"); // SQS redelivery
    // The node learned from it (toward 60/90 s): the measurement still uses the speed before that.
    expect((await svc.deps.nodes.get("m1"))!.speed[KIND]).toBeCloseTo(1.6, 3);

    expect(await measuredInSnapshot(jobId)).toEqual({ tasks: 1, refSec: 180, refSecSq: 180 * 180 });
    // Reported again after the fold (a duplicate poll): refused, nothing added.
    const again = await pollAgent(svc.deps, { nodeId: "m1", tasks: [{ taskId: a.taskId, token: a.token, state: "succeeded" }] }, asAgent("m1"));
    expect(again.acknowledged[0]!.outcome).toBe("duplicate");
    expect(await measuredInSnapshot(jobId)).toEqual({ tasks: 1, refSec: 180, refSecSq: 180 * 180 });
    expect((await svc.deps.jobs.get(jobId))!.steps[0]!.measured).toEqual({ tasks: 1, refSec: 180, refSecSq: 180 * 180 });
  });

  it("measures succeeded attempts only: not failed or interrupted ones", async () => {
    const { jobId, handed } = await granted("1-3", [["m1", 0], ["m2", 1], ["m1", 2]]);
    svc.clock.advance(90_000);
    await failTask(svc.deps, { ...settle(handed.get(0)!), kind: "failed" }, asAgent("m1"));
    await failTask(svc.deps, { ...settle(handed.get(1)!), kind: "interrupted" }, asAgent("m2"));
    await completeTask(svc.deps, settle(handed.get(2)!), asAgent("m1"));
    expect(await measuredInSnapshot(jobId)).toEqual({ tasks: 1, refSec: 180, refSecSq: 180 * 180 });
  });

  it("sums the step's shards, and counts each report once when a report landing meanwhile makes the fold retry", async () => {
    const { jobId, handed } = await granted("1-70", [["m1", 0], ["m2", 1], ["m2", 65]]); // tasks 0, 1 in shard 0; 65 in shard 1
    svc.clock.advance(100_000);
    await completeTask(svc.deps, settle(handed.get(0)!), asAgent("m1"));
    await completeTask(svc.deps, settle(handed.get(65)!), asAgent("m2"));
    // Task 1's report lands between the fold's read of shard 0 and its write: the write fails and the fold re-reads.
    let raced = false;
    const tasks: TaskStore = Object.assign(Object.create(Object.getPrototypeOf(svc.deps.tasks)), svc.deps.tasks, {
      write: (async (next, seen, open) => {
        if (!raced && next.no === 0 && Object.keys(next.settled).length === 0) {
          raced = true;
          await completeTask(svc.deps, settle(handed.get(1)!), asAgent("m2"));
        }
        return svc.deps.tasks.write(next, seen, open);
      }) as TaskStore["write"],
    });
    await runPlanningCycle({ ...svc.deps, tasks }, { plan: (_s, _p, now) => empty(now) }, planner);
    expect(raced).toBe(true);
    // 100 s each: 200 on m1 (speed 2), 150 twice on m2 (speed 1.5).
    expect(await measuredInSnapshot(jobId)).toEqual({ tasks: 3, refSec: 500, refSecSq: 200 * 200 + 2 * 150 * 150 });
  });
});
