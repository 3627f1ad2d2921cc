/**
 * The SQS consumers under at-least-once delivery: duplicate deliveries and Lambda retries are
 * harmless, a bad message or a throttled store fails only its own record (partial batch
 * failure), a batch of plan triggers is one cycle, and two planners at once never hand a
 * task out twice.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAgentEvents } from "../../../lambdas/agent-events.ts";
import { createPlanner } from "../../../lambdas/planner.ts";
import { RetryableError } from "../../../lib/service/index.ts";
import type { SettleRef, TaskStore } from "../../../lib/service/ports.ts";
import type { SettleReport } from "../../../lib/service/model.ts";
import { aLambdaContext, aScheduledEvent, anSqsEvent, anSqsRecord } from "../../builders/api-events.ts";
import { drainPlanTrigger, poll, registerNode } from "./agents.ts";
import { aNativeJob, aRequest, seedClients, startApi, tokens, type ApiHarness } from "./harness.ts";

let h: ApiHarness;
const startedAt = new Date(Date.now() - 60_000).toISOString();
const ctx = aLambdaContext("consumer");
type Held = { nodeId: string; jobId: string; taskId: string; token: string };
const held: Held[] = [];

async function submit(name: string): Promise<string> {
  const r = await h.call(aRequest("POST", "/jobs").as(tokens.clientA).json(aNativeJob({ name, frames: "1", secondsPerFrame: 60 })));
  expect(r.status).toBe(201);
  return r.body.id;
}

async function planCycles(): Promise<number> {
  // A `from` keeps the farm-wide audit query to this month's partition.
  const r = await h.call(aRequest("GET", "/audit").as(tokens.operator).withQuery({ limit: 100, from: startedAt }));
  return r.body.items.filter((e: { action: string }) => e.action === "plan.cycle").length;
}

const event = (type: string, t: Held, token = t.token) => ({ type, nodeId: t.nodeId, taskId: t.taskId, token });
const doneTasks = async (jobId: string) => (await h.call(aRequest("GET", `/jobs/${jobId}`).as(tokens.clientA))).body.progress.done;

beforeAll(async () => {
  h = await startApi();
  await seedClients(h);
  await registerNode(h, "n1");
  await registerNode(h, "n2");
  await submit("job-x");
  await submit("job-y");
  await drainPlanTrigger(h);
  expect(await h.planner(aScheduledEvent(), ctx)).toMatchObject({ ran: true, assignmentsWritten: 2 });
  for (const nodeId of ["n1", "n2"]) {
    for (const a of (await poll(h, nodeId)).body.assignments) held.push({ nodeId, jobId: a.jobId, taskId: a.taskId, token: a.token });
  }
  expect(held).toHaveLength(2);
  expect(new Set(held.map((t) => t.jobId)).size).toBe(2);
});
afterAll(async () => h?.stop());

describe("agent-events consumer", () => {
  it("settles a duplicated delivery once and fails only the malformed record", async () => {
    const [x, y] = held as [Held, Held];
    const batch = anSqsEvent([
      anSqsRecord(event("task-succeeded", x), { messageId: "m1" }),
      anSqsRecord(event("task-succeeded", x), { messageId: "m1-dup" }),
      anSqsRecord("{not json", { messageId: "m-bad" }),
      anSqsRecord({ type: "task-exploded", nodeId: "n1" }, { messageId: "m-unknown" }),
      anSqsRecord(event("task-succeeded", y, "stale-token"), { messageId: "m-stale" }),
    ]);
    const reply = await h.agentEvents(batch, ctx);
    expect(reply.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(["m-bad", "m-unknown"]);
    expect(await doneTasks(x.jobId)).toBe(1);
    expect(await doneTasks(y.jobId)).toBe(0);

    // Lambda retries the whole batch (e.g. after a timeout): still one completion.
    const again = await h.agentEvents(batch, ctx);
    expect(again.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(["m-bad", "m-unknown"]);
    expect(await doneTasks(x.jobId)).toBe(1);
  });

  it("fails only the record whose store write was throttled, and settles it on redelivery", async () => {
    const y = held[1]!;
    const tasks = h.wired.deps.tasks;
    // Injected fault: the task store throttles every settle of job y (a port wrapper, no module patching).
    const throttled: TaskStore = Object.assign(Object.create(Object.getPrototypeOf(tasks)), tasks, {
      settle: ((ref: SettleRef, report: SettleReport) =>
        ref.jobId === y.jobId ? Promise.reject(new RetryableError("throttled")) : tasks.settle(ref, report)) as TaskStore["settle"],
    });
    const faulty = createAgentEvents({ ...h.wired, deps: { ...h.wired.deps, tasks: throttled } });
    const batch = anSqsEvent([
      anSqsRecord(event("task-succeeded", held[0]!), { messageId: "x-again" }),
      anSqsRecord(event("task-succeeded", y), { messageId: "y-1" }),
    ]);
    const reply = await faulty(batch, ctx);
    expect(reply.batchItemFailures).toEqual([{ itemIdentifier: "y-1" }]);
    expect(await doneTasks(y.jobId)).toBe(0);

    const redelivered = await h.agentEvents(anSqsEvent([batch.Records[1]!]), ctx);
    expect(redelivered.batchItemFailures).toEqual([]);
    expect(await doneTasks(y.jobId)).toBe(1);
  });
});

describe("submissions consumer", () => {
  it("creates one job per message however often it is delivered, and fails refused submissions", async () => {
    const listA = async () => (await h.call(aRequest("GET", "/jobs").as(tokens.clientA).withQuery({ limit: 100 }))).body.items as { id: string; name: string }[];
    const before = (await listA()).length;
    const good = anSqsRecord({ clientId: "studio-a", job: aNativeJob({ name: "queued-1" }) }, { messageId: "s-1" });
    const keyed = anSqsRecord({ clientId: "studio-a", idempotencyKey: "pipe-42", job: aNativeJob({ name: "queued-2" }) }, { messageId: "s-2" });
    const resentKeyed = { ...keyed, messageId: "s-2-resent" };
    const refused = anSqsRecord({ clientId: "studio-a", job: aNativeJob({ frames: "10-1" }) }, { messageId: "s-bad" });
    const reply = await h.submissions(anSqsEvent([good, keyed, resentKeyed, refused, good]), ctx);
    expect(reply.batchItemFailures).toEqual([{ itemIdentifier: "s-bad" }]);
    const again = await h.submissions(anSqsEvent([good, keyed]), ctx);
    expect(again.batchItemFailures).toEqual([]);
    const names = (await listA()).map((j) => j.name);
    expect(names.length).toBe(before + 2);
    expect(names.filter((n) => n === "queued-1")).toHaveLength(1);
    expect(names.filter((n) => n === "queued-2")).toHaveLength(1);
  });
});

describe("planner consumer", () => {
  it("runs ONE cycle for a batch of triggers, including duplicates", async () => {
    await drainPlanTrigger(h);
    for (const reason of ["edit", "submit", "completion"]) await h.wired.deps.trigger.requestPlan(reason, Date.now());
    const records = await drainPlanTrigger(h);
    expect(records).toHaveLength(3);
    const before = await planCycles();
    const reply = await h.planner(anSqsEvent([...records, records[0]!]), ctx);
    expect(reply).toEqual({ batchItemFailures: [] });
    expect(await planCycles()).toBe(before + 1);
  });

  it("keeps only the newest trigger for a retry when another planner holds the lock", async () => {
    const now = Date.now();
    expect(await h.wired.deps.plans.tryLock("someone-else", now, 60_000)).toBe(true);
    try {
      const records = ["a", "b", "c"].map((r) => anSqsRecord({ reason: r, at: now }, { messageId: `t-${r}` }));
      const reply = await h.planner(anSqsEvent(records), ctx);
      expect(reply).toEqual({ batchItemFailures: [{ itemIdentifier: "t-c" }] });
    } finally {
      await h.wired.deps.plans.unlock("someone-else");
    }
  });

  it("two planners at once never lease a task twice", async () => {
    await Promise.all(["p1", "p2", "p3", "p4"].map(submit));
    await registerNode(h, "n3");
    const [one, two] = [createPlanner(h.wired, "planner-one"), createPlanner(h.wired, "planner-two")];
    await Promise.all([one(aScheduledEvent(), ctx), two(aScheduledEvent(), ctx), one(aScheduledEvent(), ctx)]);
    await h.planner(aScheduledEvent(), ctx);
    const leased: string[] = [];
    for (const nodeId of ["n1", "n2", "n3"]) {
      for (const a of (await poll(h, nodeId)).body.assignments) leased.push(a.taskId);
    }
    expect(leased.length).toBeGreaterThanOrEqual(3);
    expect(new Set(leased).size).toBe(leased.length);
  });
});
