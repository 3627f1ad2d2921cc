import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HOUR, T0 } from "../../builders/planner.ts";
import { submitJob } from "../../../lib/service/submit-job.ts";
import { getJob } from "../../../lib/service/get-job.ts";
import { listJobs } from "../../../lib/service/list-jobs.ts";
import { ConflictError, ForbiddenError, ValidationError } from "../../../lib/service/errors.ts";
import { asClient, drainPlanTriggers, iso, nativeJob, operator, seedClient, startService, type ServiceFixture } from "../../support/service-fixture.ts";

const template = `
specificationVersion: 'jobtemplate-2023-09'
name: Render {{Param.Shot}}
parameterDefinitions:
- name: Shot
  type: STRING
  default: sh010
- name: Frames
  type: STRING
  default: "1-10"
steps:
- name: Render
  parameterSpace:
    taskParameterDefinitions:
    - name: Frame
      type: INT
      range: "{{Param.Frames}}"
  script:
    actions:
      onRun:
        command: render
        args: ["{{Task.Param.Frame}}"]
- name: Encode
  dependencies:
  - dependsOn: Render
  script:
    actions:
      onRun:
        command: ffmpeg
`;

async function rejection(p: Promise<unknown>): Promise<Error> {
  try { await p; } catch (err) { return err as Error; }
  throw new Error("expected a rejection");
}

describe("submitting a job", () => {
  let svc: ServiceFixture;
  beforeAll(async () => {
    svc = await startService();
    await seedClient(svc.deps, "A");
    await seedClient(svc.deps, "B");
  });
  afterAll(async () => { await svc.stop(); });

  it("stores a native job with its task aggregates and asks for a plan", async () => {
    const { job, created } = await submitJob(svc.deps, { body: nativeJob({ frames: "1-100", chunkSize: 10, deadline: iso(T0 + 4 * HOUR) }) }, asClient("A"));
    expect(created).toBe(true);
    expect(job).toMatchObject({ clientId: "A", status: "queued", progress: { tasks: 10, pending: 10, done: 0 } });
    const again = await getJob(svc.deps, { jobId: job.id }, asClient("A"));
    expect(again.deadline).toBe(iso(T0 + 4 * HOUR));
    expect(await drainPlanTriggers(svc)).toContain(`job ${job.id} submitted`);
  });

  it("returns the same job for a retry with the same idempotency key, even when retries race", async () => {
    const body = nativeJob({ name: "retry me" });
    const results = await Promise.all([1, 2, 3, 4].map(() => submitJob(svc.deps, { body, idempotencyKey: "k-1" }, asClient("A"))));
    expect(new Set(results.map((r) => r.job.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const list = await listJobs(svc.deps, {}, asClient("A"));
    expect(list.items.filter((j) => j.name === "retry me")).toHaveLength(1);
  });

  it("refuses an idempotency key reused with a different body", async () => {
    await submitJob(svc.deps, { body: nativeJob({ name: "first" }), idempotencyKey: "k-2" }, asClient("A"));
    const err = await rejection(submitJob(svc.deps, { body: nativeJob({ name: "second" }), idempotencyKey: "k-2" }, asClient("A")));
    expect(err).toBeInstanceOf(ConflictError);
  });

  it("keeps idempotency keys per client", async () => {
    const a = await submitJob(svc.deps, { body: nativeJob(), idempotencyKey: "shared" }, asClient("A"));
    const b = await submitJob(svc.deps, { body: nativeJob(), idempotencyKey: "shared" }, asClient("B"));
    expect(a.job.id).not.toBe(b.job.id);
    expect(b.job.clientId).toBe("B");
  });

  it.each([
    [{ ...nativeJob(), priority: "high" }, "priority"],
    [{ ...nativeJob(), frames: "1-x" }, "frames"],
    [{ ...nativeJob(), colour: "red" }, "colour"],
    [{ name: "no frames", secondsPerFrame: 10 }, "frames"],
    [{ ...nativeJob(), deadline: iso(T0 - HOUR) }, "deadline"],
    [{ ...nativeJob(), frames: "10-1" }, "frames"],
    [{ ...nativeJob(), dependsOn: ["job-nope"] }, "dependsOn[0]"],
    [{ ...nativeJob(), steps: [{ name: "a", frames: "1-2", secondsPerFrame: 1 }], frames: undefined, secondsPerFrame: undefined, chunkSize: 0 }, "chunkSize"],
  ])("names the failing field for bad input %#", async (body, field) => {
    const err = await rejection(submitJob(svc.deps, { body }, asClient("A")));
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).field).toBe(field);
  });

  it("rejects a dependency cycle, naming it, and writes nothing", async () => {
    const before = (await listJobs(svc.deps, { limit: 100 }, asClient("A"))).items.length;
    const steps = [
      { name: "sim", frames: "1-2", secondsPerFrame: 5, dependsOn: ["light"] },
      { name: "light", frames: "1-2", secondsPerFrame: 5, dependsOn: ["comp"] },
      { name: "comp", frames: "1-2", secondsPerFrame: 5, dependsOn: ["sim"] },
    ];
    const err = await rejection(submitJob(svc.deps, { body: { name: "loop", steps } }, asClient("A")));
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toMatch(/cycle: sim → light → comp → sim/);
    expect((await listJobs(svc.deps, { limit: 100 }, asClient("A"))).items).toHaveLength(before);
  });

  it("rejects an unknown client, and an operator submission without a client", async () => {
    const unknown = await rejection(submitJob(svc.deps, { body: nativeJob({ client: "Z" }) }, operator));
    expect((unknown as ValidationError).field).toBe("client");
    expect(unknown.message).toMatch(/unknown client "Z"/);
    const missing = await rejection(submitJob(svc.deps, { body: nativeJob() }, operator));
    expect((missing as ValidationError).field).toBe("client");
  });

  it("does not let a client submit for another client", async () => {
    const err = await rejection(submitJob(svc.deps, { body: nativeJob({ client: "B" }) }, asClient("A")));
    expect(err).toBeInstanceOf(ForbiddenError);
  });

  it("adds a low-quality preview pass over every Nth frame before the finals", async () => {
    const { job } = await submitJob(svc.deps, { body: nativeJob({ frames: "1-100", preview: { lowQualityPass: { everyNth: 10, quality: 0.2 }, requireApproval: true } }) }, asClient("A"));
    expect(job.steps.map((s) => [s.name, s.role, s.progress.tasks])).toEqual([["render-preview", "preview", 10], ["render", "final", 100]]);
    expect(job.preview.approval).toBe("pending");
  });

  it("accepts an OpenJD template with parameter values, keeping step dependencies", async () => {
    const { job } = await submitJob(svc.deps, { body: { template, parameters: { Shot: "sh020", Frames: "1-24" }, secondsPerTask: 120 } }, asClient("B"));
    expect(job.name).toBe("Render sh020");
    expect(job.steps.map((s) => [s.name, s.dependsOn, s.progress.tasks])).toEqual([["Render", [], 24], ["Encode", ["Render"], 1]]);
  });

  it("names the template field or parameter that is wrong", async () => {
    const badParam = await rejection(submitJob(svc.deps, { body: { template, parameters: { Shot: "x", Nope: 1 } } }, asClient("B")));
    expect((badParam as ValidationError).field).toBe("parameters.Nope");
    const badTemplate = await rejection(submitJob(svc.deps, { body: { template: template.replace("jobtemplate-2023-09", "jobtemplate-1999") } }, asClient("B")));
    expect((badTemplate as ValidationError).field).toMatch(/^template/);
  });
});
