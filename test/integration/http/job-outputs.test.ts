/**
 * A job's latest frames through the real API handler over dynalite: an agent's success report
 * carries the frames it wrote (made by the agent's own recorder: real PNGs, real thumbnails in
 * a folder output store), the service keeps them per task with a conditional write, and the
 * monitor lists them and fetches thumbnails — scoped like every other job route, and served as
 * real bytes by the local HTTP adapter.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApi } from "../../../lambdas/api.ts";
import { FolderOutputStore } from "../../../lib/adapters/folder-output-store.ts";
import { OutputRecorder } from "../../../lib/agent/output-recorder.ts";
import { apiServer, closeServer, listen } from "../../../lib/local/http-adapter.ts";
import { outputPrefix, runPlanningCycle, type FrameOutput } from "../../../lib/service/index.ts";
import { poll, registerNode } from "./agents.ts";
import { aNativeJob, aRequest, seedClients, startApi, tokens, type ApiHarness } from "./harness.ts";

type Assignment = { taskId: string; token: string; jobId: string; stepName: string; taskIndex: number; frames: number[] | null; quality: number | null };

let h: ApiHarness;
let store: FolderOutputStore;
let dir = "";
let jobId = "";
const settled: { a: Assignment; outputs: FrameOutput[]; endedAt: number }[] = [];
const planner = { kind: "system", component: "planner" } as const;
const a = (path: string) => aRequest("GET", path).as(tokens.clientA);
const b = (path: string) => aRequest("GET", path).as(tokens.clientB);

function aFrame(width: number, height: number, red: number): Buffer {
  const p = new PNG({ width, height });
  for (let i = 0; i < p.data.length; i += 4) p.data.set([red, 40, 80, 255], i);
  return PNG.sync.write(p);
}

/** Gets the next task for n1, "renders" it through the agent's recorder, and reports success with its frames. */
async function renderNext(extra: FrameOutput[] = []): Promise<void> {
  await runPlanningCycle(h.wired.deps, {}, planner);
  const [t] = (await poll(h, "n1")).body.assignments as Assignment[];
  if (!t) throw new Error("no assignment for n1");
  const rec = new OutputRecorder(store, outputPrefix(t.jobId, t.stepName));
  const frames = t.frames ?? [t.taskIndex];
  for (const f of frames) await rec.put(`${rec.prefix}beauty.${String(f).padStart(4, "0")}.png`, aFrame(512, 288, 10 * f));
  const outputs = [...await rec.manifest({ frames, quality: t.quality }), ...extra];
  const endedAt = Date.now();
  const r = await poll(h, "n1", [{ taskId: t.taskId, token: t.token, state: "succeeded", startedAt: endedAt - 60_000, endedAt, outputs }]);
  expect(r.body.acknowledged).toEqual([{ taskId: t.taskId, token: t.token, outcome: "accepted" }]);
  settled.push({ a: t, outputs, endedAt });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "bf-outputs-"));
  store = new FolderOutputStore(dir);
  h = await startApi({ outputs: store });
  await seedClients(h);
  await registerNode(h, "n1");
  jobId = (await h.call(aRequest("POST", "/jobs").as(tokens.clientA).json(aNativeJob({ frames: "1-4", preview: { previewFirst: true } })))).body.id;
  // An agent may not point the monitor at another job's files, nor outside its thumbs/ folder.
  await renderNext([
    { key: "jobs/someone-elses-job/render/frame-0001.png", frame: 2, thumbnail: "jobs/someone-elses-job/render/thumbs/frame-0001.png", preview: false },
    { key: "jobs/x/../../etc/passwd", frame: 3, preview: false },
  ]);
  await new Promise((r) => setTimeout(r, 5));
  await renderNext();
});
afterAll(async () => {
  await h?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("a job's latest frames", () => {
  it("GET /jobs/{id}/outputs lists the reported frames newest first, only the task's own keys, previews marked", async () => {
    const r = await h.call(a(`/jobs/${jobId}/outputs`));
    expect(r.status).toBe(200);
    const [first, second] = settled;
    expect(r.body.items.map((i: { taskId: string; frame: number }) => [i.taskId, i.frame])).toEqual([
      [second!.a.taskId, second!.outputs[0]!.frame],
      [first!.a.taskId, first!.outputs[0]!.frame],
    ]);
    expect(r.body.items[1]).toEqual({
      taskId: first!.a.taskId, stepName: first!.a.stepName, taskIndex: first!.a.taskIndex, frame: first!.outputs[0]!.frame,
      key: first!.outputs[0]!.key, preview: true, hasThumbnail: true, settledAt: new Date(first!.endedAt).toISOString(),
    });
    // Preview-first: the first two tasks rendered are the shape frames (first, last).
    expect(r.body.items.every((i: { preview: boolean }) => i.preview)).toBe(true);
    expect((await h.call(a(`/jobs/${jobId}/outputs`).withQuery({ limit: "1" }))).body.items).toHaveLength(1);
  });

  it("GET …/thumbnail returns the agent's 256 px PNG as image/png bytes", async () => {
    const { a: t, outputs } = settled[0]!;
    const r = await h.call(a(`/jobs/${jobId}/outputs/${encodeURIComponent(t.taskId)}/${outputs[0]!.frame}/thumbnail`));
    expect(r.status).toBe(200);
    expect(r.headers["content-type"]).toBe("image/png");
    const img = PNG.sync.read(r.body as Buffer);
    expect([img.width, img.height, img.data[0]]).toEqual([256, 144, 10 * outputs[0]!.frame]);
    expect(Buffer.compare(r.body as Buffer, Buffer.from((await store.get(outputs[0]!.thumbnail!))!))).toBe(0);
  });

  it("GET …/image returns the PNG frame itself; a frame that is not a PNG has none", async () => {
    const { a: t, outputs } = settled[0]!;
    const r = await h.call(a(`/jobs/${jobId}/outputs/${encodeURIComponent(t.taskId)}/${outputs[0]!.frame}/image`));
    expect(r.status).toBe(200);
    expect(r.headers["content-type"]).toBe("image/png");
    expect([PNG.sync.read(r.body as Buffer).width, Buffer.compare(r.body as Buffer, Buffer.from((await store.get(outputs[0]!.key))!))]).toEqual([512, 0]);
    const exrTask = `${jobId}:${t.stepName}:99`;
    await h.wired.deps.monitor!.putTaskOutputs({
      jobId, taskId: exrTask, stepName: t.stepName, taskIndex: 99, nodeId: "n1", settledAt: 1,
      frames: [{ key: `${outputPrefix(jobId, t.stepName)}beauty.0099.exr`, frame: 99, preview: false }],
    });
    expect((await h.call(a(`/jobs/${jobId}/outputs/${encodeURIComponent(exrTask)}/99/image`))).status).toBe(404);
    expect((await h.call(a(`/jobs/${jobId}/outputs/${encodeURIComponent(exrTask)}/99/thumbnail`))).status).toBe(404);
  });

  it("the local HTTP adapter sends the thumbnail as binary, byte for byte", async () => {
    const server = apiServer(createApi(h.wired));
    const base = await listen(server);
    try {
      const { a: t, outputs } = settled[1]!;
      const res = await fetch(`${base}/jobs/${jobId}/outputs/${encodeURIComponent(t.taskId)}/${outputs[0]!.frame}/thumbnail`, { headers: { authorization: `Bearer ${tokens.clientA}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("image/png");
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(Buffer.compare(bytes, Buffer.from((await store.get(outputs[0]!.thumbnail!))!))).toBe(0);
    } finally {
      await closeServer(server);
    }
  });

  it("is scoped like the job: another client's token 403, an unknown job 404, a frame that is not a number 400 naming n", async () => {
    const { a: t, outputs } = settled[0]!;
    const thumb = (job: string, task: string, n: string | number) => `/jobs/${job}/outputs/${encodeURIComponent(task)}/${n}/thumbnail`;
    expect((await h.call(b(`/jobs/${jobId}/outputs`))).status).toBe(403);
    expect((await h.call(b(thumb(jobId, t.taskId, outputs[0]!.frame)))).status).toBe(403);
    expect((await h.call(a("/jobs/job-nope/outputs"))).status).toBe(404);
    expect((await h.call(a(thumb("job-nope", t.taskId, 1)))).status).toBe(404);
    const bad = await h.call(a(thumb(jobId, t.taskId, "first")));
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].field).toBe("path.n");
    expect((await h.call(a(thumb(jobId, t.taskId, 999)))).status).toBe(404); // not a frame of that task
    expect((await h.call(a(thumb(jobId, t.taskId.replace(jobId, "job-other"), outputs[0]!.frame)))).status).toBe(404);
    const limit = await h.call(a(`/jobs/${jobId}/outputs`).withQuery({ limit: "500" }));
    expect(limit.status).toBe(400);
    expect(limit.body.error.issues[0].field).toBe("query.limit");
  });

  it("keeps the newer record: an older or repeated report changes nothing, a newer one replaces it", async () => {
    const { a: t, outputs, endedAt } = settled[0]!;
    const stored = () => h.wired.deps.monitor!.taskOutputs(jobId, t.taskId);
    const before = await stored();
    expect(before?.frames).toEqual([outputs[0]]); // the foreign keys were dropped
    const older = { ...before!, settledAt: endedAt - 1_000, frames: [{ key: `${outputPrefix(jobId, t.stepName)}old.png`, frame: outputs[0]!.frame, preview: false }] };
    expect(await h.wired.deps.monitor!.putTaskOutputs(older)).toBe(false);
    expect(await stored()).toEqual(before);
    // The same report again (the agent's journal replays it until acknowledged): a duplicate, same record.
    const again = await poll(h, "n1", [{ taskId: t.taskId, token: t.token, state: "succeeded", startedAt: endedAt - 60_000, endedAt, outputs }]);
    expect(again.body.acknowledged[0].outcome).toBe("duplicate");
    expect(await stored()).toEqual(before);
    const newer = { ...before!, settledAt: endedAt + 1_000, frames: [{ ...outputs[0]!, preview: false }] };
    expect(await h.wired.deps.monitor!.putTaskOutputs(newer)).toBe(true);
    expect((await stored())?.settledAt).toBe(endedAt + 1_000);
  });

  it("OpenAPI documents the thumbnail as a binary image/png body", async () => {
    const doc = (await h.call(aRequest("GET", "/openapi.json").as(tokens.operator))).body;
    expect(doc.paths["/jobs/{id}/outputs/{taskId}/{n}/thumbnail"].get.responses["200"].content).toEqual({ "image/png": { schema: { type: "string", format: "binary" } } });
    expect(doc.paths["/jobs/{id}/outputs"].get.responses["200"].content["application/json"].schema.properties.items.type).toBe("array");
  });
});
