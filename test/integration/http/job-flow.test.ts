/**
 * The whole path through the real handlers and real local servers: clients created by an
 * operator, an agent registers, a client submits (idempotently), reads, edits; the trigger
 * queue wakes the planner; the agent polls, gets the task, completes it once; audit, usage,
 * farm and node routes reflect it; a cancel reaches the agent at its next poll.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aLambdaContext, aScheduledEvent } from "../../builders/api-events.ts";
import { anSqsEvent, drainPlanTrigger, nodeToken, poll, registerNode } from "./agents.ts";
import { aNativeJob, aRequest, startApi, tokens, type ApiHarness } from "./harness.ts";

let h: ApiHarness;
beforeAll(async () => { h = await startApi(); });
afterAll(async () => h?.stop());

const op = (method: string, path: string) => aRequest(method, path).as(tokens.operator);
const a = (method: string, path: string) => aRequest(method, path).as(tokens.clientA);
let jobId = "";
let task: { taskId: string; token: string } = { taskId: "", token: "" };

describe("submit → get → edit → plan → poll → complete", () => {
  it("an operator creates and adjusts clients", async () => {
    for (const id of ["studio-a", "studio-b"]) {
      const r = await h.call(op("POST", "/clients").json({ id, name: id.toUpperCase(), guaranteedShare: 0.4, maxShare: 1, cloudAllowed: false }));
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ id, guaranteedShare: 0.4, cloudAllowed: false });
    }
    expect((await h.call(op("POST", "/clients").json({ id: "studio-a", name: "again" }))).status).toBe(409);
    const patched = await h.call(op("PATCH", "/clients/studio-a").json({ cloudAllowed: true, cloudBudgetPerMonth: 500 }));
    expect(patched.body).toMatchObject({ cloudAllowed: true, cloudBudgetPerMonth: 500 });
    expect((await h.call(op("GET", "/clients"))).body.items).toHaveLength(2);
    expect((await h.call(a("GET", "/clients/studio-a"))).body.name).toBe("STUDIO-A");
  });

  it("an agent registers its node", async () => {
    await registerNode(h, "n1");
    const nodes = await h.call(op("GET", "/nodes"));
    expect(nodes.body.items.map((n: { id: string }) => n.id)).toEqual(["n1"]);
  });

  it("a client submits a job; a retry with the same Idempotency-Key returns the same job", async () => {
    const body = aNativeJob({ frames: "1-3", secondsPerFrame: 30 });
    const first = await h.call(a("POST", "/jobs").header("Idempotency-Key", "submit-001").json(body));
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ clientId: "studio-a", status: "queued", progress: { tasks: 3, done: 0 } });
    jobId = first.body.id;
    const retry = await h.call(a("POST", "/jobs").header("Idempotency-Key", "submit-001").json(body));
    expect(retry.body.id).toBe(jobId);
    const reused = await h.call(a("POST", "/jobs").header("Idempotency-Key", "submit-001").json({ ...body, name: "other" }));
    expect(reused.status).toBe(409);
    expect((await h.call(a("GET", "/jobs"))).body.items).toHaveLength(1);
  });

  it("the client reads it back and edits deadline and priority", async () => {
    expect((await h.call(a("GET", `/jobs/${jobId}`))).body.name).toBe("shot-010 beauty");
    const deadline = new Date(Date.now() + 3 * 3_600_000).toISOString();
    const r = await h.call(a("PATCH", `/jobs/${jobId}`).json({ deadline, priority: 80 }));
    expect(r.status).toBe(200);
    expect(r.body.priority).toBe(80);
    expect(Date.parse(r.body.deadline)).toBe(Date.parse(deadline));
  });

  it("the submission and the edit woke the planner through the trigger queue: one cycle for the batch", async () => {
    const records = await drainPlanTrigger(h);
    expect(records.length).toBeGreaterThanOrEqual(2);
    const reply = await h.planner(anSqsEvent(records), aLambdaContext("planner"));
    expect(reply).toEqual({ batchItemFailures: [] });
    const job = (await h.call(a("GET", `/jobs/${jobId}`))).body;
    expect(job.why).not.toBeNull();
    expect(job.why.reason.length).toBeGreaterThan(0);
  });

  it("the agent's poll hands it a leased task, and completing it is accepted once", async () => {
    const first = await poll(h, "n1");
    expect(first.status).toBe(200);
    expect(first.body.assignments.length).toBeGreaterThanOrEqual(1);
    const assigned = first.body.assignments[0];
    expect(assigned.jobId).toBe(jobId);
    task = { taskId: assigned.taskId, token: assigned.token };
    const path = `/agents/n1/tasks/${encodeURIComponent(task.taskId)}/complete`;
    const done = await h.call(aRequest("POST", path).as(nodeToken(h, "n1")).json({ token: task.token }));
    expect(done.body).toEqual({ result: "accepted" });
    const again = await h.call(aRequest("POST", path).as(nodeToken(h, "n1")).json({ token: task.token }));
    expect(again.body).toEqual({ result: "duplicate" });
    const job = (await h.call(a("GET", `/jobs/${jobId}`))).body;
    expect(job.progress.done).toBe(1);
  });

  it("a completion with a forged token is refused with 409", async () => {
    const r = await h.call(aRequest("POST", `/agents/n1/tasks/${encodeURIComponent(task.taskId)}/fail`).as(nodeToken(h, "n1")).json({ token: "forged" }));
    expect(r.status).toBe(409);
  });

  it("the audit log shows who did what; clients see only their own", async () => {
    const all = await h.call(op("GET", "/audit").withQuery({ jobId }));
    expect(all.status).toBe(200);
    const actions = all.body.items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["job.submit"]));
    expect(actions.some((x: string) => x.startsWith("job.edit"))).toBe(true);
    const mine = await h.call(a("GET", "/audit"));
    expect(mine.status).toBe(200);
    expect(mine.body.items.every((e: { clientId: string | null }) => e.clientId === "studio-a")).toBe(true);
  });

  it("farm, usage and node routes answer operators", async () => {
    // Usage is booked when the planner folds the report (the completion asked for that cycle).
    await h.planner(anSqsEvent(await drainPlanTrigger(h)), aLambdaContext("planner"));
    const farm = await h.call(op("GET", "/farm"));
    expect(farm.status).toBe(200);
    expect(farm.body.nodes.total).toBe(1);
    expect(farm.body.cloud).toEqual({ livePerHour: 0, liveInstances: 0, limits: { maxSpendPerHour: null, maxInstances: null } });
    const today = new Date().toISOString().slice(0, 10);
    const usage = await h.call(a("GET", "/clients/studio-a/usage").withQuery({ from: today, to: today }));
    expect(usage.status).toBe(200);
    expect(usage.body.totals.tasks).toBe(1);
    expect((await h.call(op("POST", "/nodes/n1/drain"))).body.desiredStatus).toBe("drain");
    expect((await h.call(op("POST", "/nodes/n1/enable"))).body.desiredStatus).toBe("run");
  });

  it("a job held for approval runs finals only after the client approves its preview", async () => {
    const held = await h.call(a("POST", "/jobs").json(aNativeJob({ name: "needs-approval", preview: { requireApproval: true } })));
    expect(held.status).toBe(201);
    expect(held.body.preview.approval).toBe("pending");
    expect((await h.call(aRequest("POST", `/jobs/${held.body.id}/approve`).as(tokens.clientB))).status).toBe(403);
    const approved = await h.call(a("POST", `/jobs/${held.body.id}/approve`));
    expect(approved.status).toBe(200);
    expect(approved.body.preview.approval).toBe("approved");
    await h.call(a("DELETE", `/jobs/${held.body.id}`));
  });

  it("lists with filters and pages through with the cursor", async () => {
    for (const name of ["p-1", "p-2", "p-3"]) {
      expect((await h.call(a("POST", "/jobs").json(aNativeJob({ name })))).status).toBe(201);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const r = await h.call(a("GET", "/jobs").withQuery({ limit: 2, ...(cursor ? { cursor } : {}) }));
      expect(r.status).toBe(200);
      expect(r.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...r.body.items.map((j: { id: string }) => j.id));
      cursor = r.body.cursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    const byStatus = await h.call(op("GET", "/jobs").withQuery({ clientId: "studio-a", status: "queued" }));
    expect(byStatus.body.items.every((j: { status: string }) => j.status === "queued")).toBe(true);
    expect((await h.call(op("GET", "/jobs").withQuery({ clientId: "studio-b" }))).body.items).toEqual([]);
  });

  it("a cancel stops the job and tells the agent at its next poll", async () => {
    // Only this job may run, so the node's next task is surely one of its frames.
    const open = await h.call(op("GET", "/jobs").withQuery({ clientId: "studio-a" }));
    for (const other of open.body.items.filter((j: { id: string }) => j.id !== jobId)) {
      expect((await h.call(op("DELETE", `/jobs/${other.id}`))).status).toBe(200);
    }
    await drainPlanTrigger(h);
    const cycle = await h.planner(aScheduledEvent(), aLambdaContext("planner"));
    expect(cycle).toMatchObject({ ran: true });
    const second = await poll(h, "n1");
    const running = second.body.assignments.map((x: { taskId: string; token: string }) => ({ taskId: x.taskId, token: x.token, state: "running" }));
    const ofJob = running.filter((x: { taskId: string }) => x.taskId.startsWith(`${jobId}:`));
    expect(ofJob.length).toBeGreaterThanOrEqual(1);
    const canceled = await h.call(a("DELETE", `/jobs/${jobId}`));
    expect(canceled.status).toBe(200);
    expect(canceled.body.status).toBe("canceled");
    const third = await poll(h, "n1", running);
    expect(third.body.assignments.filter((x: { taskId: string }) => x.taskId.startsWith(`${jobId}:`))).toEqual([]);
    expect(third.body.cancel.map((x: { taskId: string }) => x.taskId)).toEqual(ofJob.map((x: { taskId: string }) => x.taskId));
  });
});
