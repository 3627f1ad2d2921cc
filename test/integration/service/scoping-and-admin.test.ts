import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HOUR, MIN, T0 } from "../../builders/planner.ts";
import { submitJob } from "../../../lib/service/submit-job.ts";
import { getJob } from "../../../lib/service/get-job.ts";
import { listJobs } from "../../../lib/service/list-jobs.ts";
import { editJob } from "../../../lib/service/edit-job.ts";
import { cancelJob } from "../../../lib/service/cancel-job.ts";
import { approvePreview } from "../../../lib/service/approve-preview.ts";
import { queryAudit } from "../../../lib/service/query-audit.ts";
import { clientUsage, createClient, listClients, updateClient } from "../../../lib/service/manage-clients.ts";
import { drainNode, enableNode, listNodes } from "../../../lib/service/manage-nodes.ts";
import { farmSummary } from "../../../lib/service/farm-summary.ts";
import { pollAgent } from "../../../lib/service/poll-agent.ts";
import { ConflictError, ForbiddenError, ValidationError } from "../../../lib/service/errors.ts";
import {
  asAgent, asClient, drainPlanTriggers, iso, nativeJob, operator, seedClient, seedNode, startService, type ServiceFixture,
} from "../../support/service-fixture.ts";

describe("scoping, edits, clients, nodes and the farm view", () => {
  let svc: ServiceFixture;
  let jobA: string;
  beforeAll(async () => {
    svc = await startService();
    await seedClient(svc.deps, "A");
    await seedClient(svc.deps, "B");
    await seedNode(svc.deps, "n1");
    jobA = (await submitJob(svc.deps, { body: nativeJob({ name: "A's shot", deadline: iso(T0 + 8 * HOUR), preview: { requireApproval: true } }) }, asClient("A"))).job.id;
    await submitJob(svc.deps, { body: nativeJob({ name: "B's shot" }) }, asClient("B"));
  });
  afterAll(async () => { await svc.stop(); });

  it("does not let client B read, edit, cancel or approve client A's job", async () => {
    const b = asClient("B");
    await expect(getJob(svc.deps, { jobId: jobA }, b)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(editJob(svc.deps, { jobId: jobA, priority: 99 }, b)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(cancelJob(svc.deps, { jobId: jobA }, b)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(approvePreview(svc.deps, { jobId: jobA }, b)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(listJobs(svc.deps, { clientId: "A" }, b)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(queryAudit(svc.deps, { jobId: jobA }, b)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(clientUsage(svc.deps, { clientId: "A", from: "2026-11-01", to: "2026-11-30" }, b)).rejects.toBeInstanceOf(ForbiddenError);
    expect((await getJob(svc.deps, { jobId: jobA }, asClient("A"))).priority).toBe(50);
  });

  it("lists only the caller's own jobs, and its own audit events", async () => {
    const mine = await listJobs(svc.deps, {}, asClient("B"));
    expect(mine.items.map((j) => j.name)).toEqual(["B's shot"]);
    const events = await queryAudit(svc.deps, {}, asClient("B"));
    expect(events.items.length).toBeGreaterThan(0);
    expect(events.items.every((e) => e.clientId === "B")).toBe(true);
    const all = await listJobs(svc.deps, {}, operator);
    expect(all.items.map((j) => j.clientId).sort()).toEqual(["A", "B"]);
  });

  it("pages through jobs with a cursor and refuses another list's cursor", async () => {
    for (let i = 0; i < 3; i++) await submitJob(svc.deps, { body: nativeJob({ name: `B page ${i}` }) }, asClient("B"));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listJobs(svc.deps, { limit: 2, ...(cursor ? { cursor } : {}) }, asClient("B"));
      seen.push(...page.items.map((j) => j.id));
      cursor = page.cursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(4);
    const bCursor = (await listJobs(svc.deps, { limit: 1 }, asClient("B"))).cursor!;
    await expect(listJobs(svc.deps, { limit: 1, cursor: bCursor }, asClient("A"))).rejects.toBeInstanceOf(ValidationError);
    await expect(listJobs(svc.deps, { cursor: "garbage!" }, asClient("A"))).rejects.toMatchObject({ field: "cursor" });
  });

  it("edits a deadline, records before and after, and asks for a plan at once", async () => {
    await drainPlanTriggers(svc);
    const view = await editJob(svc.deps, { jobId: jobA, deadline: iso(T0 + 2 * HOUR), priority: 80 }, asClient("A"));
    expect(view).toMatchObject({ deadline: iso(T0 + 2 * HOUR), priority: 80 });
    expect(await drainPlanTriggers(svc)).toEqual([`job ${jobA} edited`]);
    const events = await queryAudit(svc.deps, { jobId: jobA }, operator);
    const edit = events.items.find((e) => e.action === "job.edit")!;
    expect(edit).toMatchObject({ actor: "client:A", requestId: "req-A", before: { priority: 50, deadlineAt: T0 + 8 * HOUR }, after: { priority: 80, deadlineAt: T0 + 2 * HOUR } });
    await expect(editJob(svc.deps, { jobId: jobA, deadline: iso(T0 - MIN) }, asClient("A"))).rejects.toMatchObject({ field: "deadline" });
    await expect(editJob(svc.deps, { jobId: jobA, priority: 101 }, asClient("A"))).rejects.toMatchObject({ field: "priority" });
    await expect(editJob(svc.deps, { jobId: jobA, priority: 1, expectedVersion: 1 }, asClient("A"))).rejects.toBeInstanceOf(ConflictError);
  });

  it("suspends and resumes, and approves a preview once", async () => {
    expect((await editJob(svc.deps, { jobId: jobA, suspended: true }, asClient("A"))).status).toBe("suspended");
    expect((await editJob(svc.deps, { jobId: jobA, suspended: false }, asClient("A"))).status).toBe("queued");
    expect((await approvePreview(svc.deps, { jobId: jobA }, asClient("A"))).preview.approval).toBe("approved");
    await approvePreview(svc.deps, { jobId: jobA }, asClient("A"));
    const approvals = (await queryAudit(svc.deps, { jobId: jobA }, operator)).items.filter((e) => e.action === "job.approve-preview");
    expect(approvals).toHaveLength(1);
  });

  it("queries the audit log by time range", async () => {
    svc.clock.advance(HOUR);
    const from = svc.clock.now();
    await editJob(svc.deps, { jobId: jobA, priority: 60 }, operator);
    const recent = await queryAudit(svc.deps, { from }, operator);
    expect(recent.items.map((e) => e.action)).toEqual(["job.edit"]);
    const older = await queryAudit(svc.deps, { clientId: "A", to: from - 1 }, operator);
    expect(older.items.some((e) => e.action === "job.submit")).toBe(true);
    expect(older.items.every((e) => e.at < from)).toBe(true);
  });

  it("manages clients: operator only, shares checked", async () => {
    await expect(createClient(svc.deps, { id: "C", name: "C", guaranteedShare: 0.1 }, asClient("A"))).rejects.toBeInstanceOf(ForbiddenError);
    await expect(createClient(svc.deps, { id: "C", name: "C", guaranteedShare: 0.5 }, operator)).rejects.toMatchObject({ field: "guaranteedShare" });
    await expect(createClient(svc.deps, { id: "C", name: "C", guaranteedShare: 0.2, maxShare: 0.1 }, operator)).rejects.toMatchObject({ field: "maxShare" });
    await expect(createClient(svc.deps, { id: "A", name: "again", guaranteedShare: 0 }, operator)).rejects.toBeInstanceOf(ConflictError);
    const b = await updateClient(svc.deps, { clientId: "B", patch: { cloudAllowed: true, cloudBudgetPerMonth: 500, cloudBudgetLeft: 500 } }, operator);
    expect(b).toMatchObject({ cloudAllowed: true, cloudBudgetLeft: 500 });
    await expect(updateClient(svc.deps, { clientId: "B", patch: { bogus: 1 } as never }, operator)).rejects.toMatchObject({ field: "bogus" });
    expect((await listClients(svc.deps, asClient("A"))).map((c) => c.id)).toEqual(["A"]);
    expect((await listClients(svc.deps, operator)).map((c) => c.id)).toEqual(["A", "B"]);
  });

  it("drains and enables a node; the agent is told to drain", async () => {
    await expect(drainNode(svc.deps, { nodeId: "n1" }, asClient("A"))).rejects.toBeInstanceOf(ForbiddenError);
    expect((await drainNode(svc.deps, { nodeId: "n1" }, operator)).status).toBe("draining");
    expect((await pollAgent(svc.deps, { nodeId: "n1", tasks: [], metrics: { cpuPct: 3, memoryPct: 20 } }, asAgent("n1"))).desiredStatus).toBe("drain");
    const [n] = await listNodes(svc.deps, operator);
    expect(n).toMatchObject({ id: "n1", status: "draining", metrics: { cpuPct: 3, memoryPct: 20 }, lastSeenAgeSec: 0 });
    expect((await enableNode(svc.deps, { nodeId: "n1" }, operator)).desiredStatus).toBe("run");
  });

  it("summarises the farm for the operator only", async () => {
    await expect(farmSummary(svc.deps, asClient("A"))).rejects.toBeInstanceOf(ForbiddenError);
    const s = await farmSummary(svc.deps, operator);
    expect(s.nodes).toMatchObject({ total: 1, ready: 1 });
    expect(s.jobs.active).toBeGreaterThanOrEqual(2);
    expect(s.utilization).toBe(0);
  });

  it("filters jobs by status, open and closed", async () => {
    const { job } = await submitJob(svc.deps, { body: nativeJob({ name: "to cancel" }) }, asClient("B"));
    await cancelJob(svc.deps, { jobId: job.id }, asClient("B"));
    await cancelJob(svc.deps, { jobId: job.id }, asClient("B")); // idempotent
    const canceled = await listJobs(svc.deps, { status: "canceled" }, operator);
    expect(canceled.items.map((j) => j.id)).toEqual([job.id]);
    const queuedB = await listJobs(svc.deps, { status: "queued", limit: 100 }, asClient("B"));
    expect(queuedB.items.every((j) => j.status === "queued" && j.clientId === "B")).toBe(true);
    expect(queuedB.items.map((j) => j.id)).not.toContain(job.id);
    await expect(listJobs(svc.deps, { status: "lost" as never }, operator)).rejects.toMatchObject({ field: "status" });
    await expect(listJobs(svc.deps, { limit: 0 }, operator)).rejects.toMatchObject({ field: "limit" });
    const cancels = (await queryAudit(svc.deps, { jobId: job.id }, asClient("B"))).items.filter((e) => e.action === "job.cancel");
    expect(cancels).toHaveLength(1);
  });
});
