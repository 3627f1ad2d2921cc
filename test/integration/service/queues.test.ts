import { reclaimExpiredLeases } from "../../../lib/service/reclaim-expired-leases.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIN } from "../../builders/planner.ts";
import { SqsJsonQueue } from "../../../lib/adapters/aws/sqs-queue.ts";
import { completeTask } from "../../../lib/service/settle-task.ts";
import { StaleLeaseError } from "../../../lib/service/errors.ts";
import { submitJob } from "../../../lib/service/submit-job.ts";
import { listJobs } from "../../../lib/service/list-jobs.ts";
import { getJob } from "../../../lib/service/get-job.ts";
import { pollAgent } from "../../../lib/service/poll-agent.ts";
import { runPlanningCycle } from "../../../lib/service/run-planning-cycle.ts";
import { clientUsage } from "../../../lib/service/manage-clients.ts";
import { asAgent, asClient, nativeJob, planner, seedClient, seedNode, startService, type ServiceFixture } from "../../support/service-fixture.ts";

type AgentEvent = { type: "succeeded"; nodeId: string; taskId: string; token: string };

/** What the agent-events consumer does per message (lambdas/agent-events.ts): settle, stale is final. */
async function consume(svc: ServiceFixture, e: AgentEvent): Promise<string> {
  try {
    return (await completeTask(svc.deps, { nodeId: e.nodeId, taskId: e.taskId, token: e.token }, asAgent(e.nodeId))).result;
  } catch (err) {
    if (err instanceof StaleLeaseError) return "stale";
    throw err;
  }
}

describe("SQS consumers are idempotent under duplicate delivery", () => {
  let svc: ServiceFixture;
  beforeAll(async () => {
    svc = await startService({ visibilityTimeoutSec: 1 });
    await seedClient(svc.deps, "A");
    await seedNode(svc.deps, "n1");
  });
  afterAll(async () => { await svc.stop(); });

  it("a completion delivered twice (consumer crashed before deleting) completes and bills once", async () => {
    const { job } = await submitJob(svc.deps, { body: nativeJob({ frames: "1" }) }, asClient("A"));
    await runPlanningCycle(svc.deps, {}, planner);
    const [a] = (await pollAgent(svc.deps, { nodeId: "n1", tasks: [] }, asAgent("n1"))).assignments;
    svc.clock.advance(10 * MIN);
    const events = new SqsJsonQueue<AgentEvent>(svc.aws.sqs, svc.aws.queueUrls.agentEvents);
    await events.send({ type: "succeeded", nodeId: "n1", taskId: a!.taskId, token: a!.token });

    // Visibility 0: as if the consumer died at once and the timeout ran out.
    const first = await events.receive({ waitSec: 1, visibilitySec: 0 });
    expect(first).toHaveLength(1);
    const outcomes = [await consume(svc, first[0]!.body)];
    // No delete: the "Lambda" died. After the visibility timeout SQS delivers it again.
    const second = await events.receive({ waitSec: 2 });
    expect(second[0]?.receiveCount).toBe(2);
    outcomes.push(await consume(svc, second[0]!.body));
    await events.delete(second[0]!.receiptHandle);

    expect(outcomes).toEqual(["accepted", "duplicate"]);
    await reclaimExpiredLeases(svc.deps); // the planner folds the report into progress and usage
    expect((await getJob(svc.deps, { jobId: job.id }, asClient("A"))).progress.done).toBe(1);
    const day = new Date(svc.clock.now()).toISOString().slice(0, 10);
    const [usage] = await clientUsage(svc.deps, { clientId: "A", from: day, to: day }, asClient("A"));
    expect(usage?.tasks).toBe(1);
  });

  it("a buffered submission delivered twice creates one job (the idempotency key travels in the message)", async () => {
    const subs = new SqsJsonQueue<{ body: unknown; idempotencyKey: string; clientId: string }>(svc.aws.sqs, svc.aws.queueUrls.submissions);
    await subs.send({ body: nativeJob({ name: "buffered" }), idempotencyKey: "sub-1", clientId: "A" });
    const results = [];
    for (let delivery = 0; delivery < 2; delivery++) {
      const [m] = await subs.receive({ waitSec: 2, visibilitySec: delivery === 0 ? 0 : 30 });
      results.push(await submitJob(svc.deps, { body: m!.body.body, idempotencyKey: m!.body.idempotencyKey }, asClient(m!.body.clientId)));
      if (delivery === 1) await subs.delete(m!.receiptHandle);
    }
    expect(results.map((r) => r.created)).toEqual([true, false]);
    expect((await listJobs(svc.deps, {}, asClient("A"))).items.filter((j) => j.name === "buffered")).toHaveLength(1);
  });
});
