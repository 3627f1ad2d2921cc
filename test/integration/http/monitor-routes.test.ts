/**
 * The monitor's routes through the real API handler over dynalite and fauxqs: a job's frame
 * grid, what it has cost, the farm's history per planning cycle, and requeueing frames that ran
 * out of retries — each scoped like every other route.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPlanningCycle } from "../../../lib/service/index.ts";
import { nodeToken, poll, registerNode } from "./agents.ts";
import { aNativeJob, aRequest, seedClients, startApi, tokens, type ApiHarness } from "./harness.ts";

let h: ApiHarness;
let jobId = "";
const planner = { kind: "system", component: "planner" } as const;
const op = (method: string, path: string) => aRequest(method, path).as(tokens.operator);
const a = (method: string, path: string) => aRequest(method, path).as(tokens.clientA);
const b = (method: string, path: string) => aRequest(method, path).as(tokens.clientB);

beforeAll(async () => {
  h = await startApi();
  await seedClients(h);
  await registerNode(h, "n1");
  jobId = (await h.call(a("POST", "/jobs").json(aNativeJob({ frames: "1-4", preview: { previewFirst: true } })))).body.id;
  await runPlanningCycle(h.wired.deps, {}, planner);
});
afterAll(() => h?.stop());

/** Poll n1 and settle what it got: frame 2 fails, the rest succeed. */
async function renderOnce(): Promise<void> {
  const got = (await poll(h, "n1")).body.assignments as { taskId: string; token: string; taskIndex: number }[];
  for (const t of got) {
    const verb = t.taskIndex === 1 ? "fail" : "complete";
    await h.call(aRequest("POST", `/agents/n1/tasks/${encodeURIComponent(t.taskId)}/${verb}`).as(nodeToken(h, "n1"))
      .json({ token: t.token, startedAt: Date.now() - 600_000, endedAt: Date.now() }));
  }
  await runPlanningCycle(h.wired.deps, {}, planner);
}

describe("monitor routes", () => {
  it("GET /jobs/{id}/tasks: the frame grid with the leased task, its node and the preview frames", async () => {
    const r = await h.call(a("GET", `/jobs/${jobId}/tasks`));
    expect(r.status).toBe(200);
    const [step] = r.body.steps;
    expect(step).toMatchObject({ taskCount: 4, framesPerTask: 1, frames: [{ start: 1, end: 4, step: 1 }], previewTasks: [0, 3, 1] });
    expect(step.running).toEqual([expect.objectContaining({ taskIndex: 0, nodeId: "n1" })]);
    expect((await h.call(b("GET", `/jobs/${jobId}/tasks`))).status).toBe(403);
  });

  it("after three failed attempts a frame shows as failed, and requeue-failed returns it with fresh retries", async () => {
    // n1 is the only node: blocklisted by its failures, it is taken back so the job never sits
    // (planner/matching/refusals.ts); render until every frame has settled.
    const settled = (p: { failed: number; running: number; pending: number }) => p.failed > 0 && p.running === 0 && p.pending === 0;
    for (let i = 0; i < 10 && !settled((await h.call(a("GET", `/jobs/${jobId}`))).body.progress); i++) await renderOnce();
    const before = (await h.call(a("GET", `/jobs/${jobId}`))).body.progress;
    expect(before).toMatchObject({ failed: 1, done: 3, running: 0, pending: 0 });
    const failed = await h.call(a("GET", `/jobs/${jobId}/tasks`));
    expect(failed.body.steps[0].failed).toEqual([{ from: 1, to: 1 }]);
    expect(failed.body.steps[0].failedAttempts).toEqual({ 1: 3 });
    expect((await h.call(b("POST", `/jobs/${jobId}/requeue-failed`))).status).toBe(403);
    const r = await h.call(a("POST", `/jobs/${jobId}/requeue-failed`));
    expect(r.status).toBe(200);
    expect(r.body.progress).toMatchObject({ failed: 0, pending: before.pending + 1, done: before.done });
    expect((await h.call(a("GET", `/jobs/${jobId}/tasks`))).body.steps[0].failedAttempts).toEqual({});
    expect(r.body.status).toBe("queued");
    const again = await h.call(a("POST", `/jobs/${jobId}/requeue-failed`));
    expect(again.body.version).toBe(r.body.version);
    const audit = await h.call(a("GET", "/audit").withQuery({ jobId }));
    expect(audit.body.items.map((e: { action: string }) => e.action)).toContain("job.requeue-failed");
  });

  it("GET /job-costs: what each job has cost, only for its own client", async () => {
    const r = await h.call(a("GET", "/job-costs").withQuery({ ids: `${jobId},job-never-ran` }));
    expect(r.status).toBe(200);
    expect(r.body.items).toHaveLength(1);
    expect(Math.abs(Date.parse(r.body.at) - Date.now())).toBeLessThan(60_000);
    expect(r.body.items[0]).toMatchObject({ jobId, clientId: "studio-a" });
    expect(r.body.items[0].nodeHours).toBeGreaterThan(0);
    expect(r.body.items[0].energyKWh).toBeGreaterThan(0);
    expect((await h.call(b("GET", "/job-costs").withQuery({ ids: jobId }))).status).toBe(403);
    const bad = await h.call(a("GET", "/job-costs").withQuery({ ids: "no spaces" }));
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].field).toMatch(/^query\.ids/);
  });

  it("GET /farm/history: a sample per planning cycle, and the outcome changes in the job's trail; operators only", async () => {
    const r = await h.call(op("GET", "/farm/history"));
    expect(r.status).toBe(200);
    expect(r.body.samples.length).toBeGreaterThanOrEqual(3);
    expect(r.body.samples[0]).toMatchObject({ usableSlots: 1, nodes: { onprem: 1, cloud: 0 } });
    expect(r.body.samples.some((s: { busySlots: number }) => s.busySlots === 1)).toBe(true);
    expect(r.body.samples[0].shares.map((s: { clientId: string }) => s.clientId)).toContain("studio-a");
    expect((await h.call(a("GET", "/farm/history"))).status).toBe(403);
    expect((await h.call(op("GET", "/farm/history").withQuery({ from: "2026-01-10T00:00:00Z", to: "2026-01-01T00:00:00Z" }))).status).toBe(400);
    const trail = await h.call(a("GET", "/audit").withQuery({ jobId }));
    const whys = trail.body.items.filter((e: { action: string }) => e.action === "job.why");
    expect(whys.length).toBeGreaterThanOrEqual(1);
    const states = whys.map((e: { after: { outcome: string } }) => (e.after.outcome === "placed" ? "running" : e.after.outcome));
    expect(states.every((s: string, i: number) => i === 0 || s !== states[i - 1])).toBe(true);
  });

  it("GET /nodes names the tasks each node is running", async () => {
    // studio-b's job: n1's other work (it may also hold studio-a's requeued frame, forgiven as the only node).
    const made = await h.call(b("POST", "/jobs").json(aNativeJob({ frames: "1-2" })));
    expect(made.status).toBe(201);
    const jobB = made.body.id as string;
    await runPlanningCycle(h.wired.deps, {}, planner);
    const got = (await poll(h, "n1")).body.assignments as { taskId: string; token: string }[];
    expect(got.length).toBeGreaterThan(0);
    await poll(h, "n1", got.map((t) => ({ taskId: t.taskId, token: t.token, state: "running", progress: 0.5 })));
    const node = (await h.call(op("GET", "/nodes"))).body.items[0];
    expect(got.some((t) => t.taskId.startsWith(jobB))).toBe(true);
    expect(node.holding).toEqual(got.map((t) => ({ taskId: t.taskId, progress: 0.5 })));
    for (const t of got) expect(JSON.stringify(node)).not.toContain(t.token);
  });
});
