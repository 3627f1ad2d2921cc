/**
 * Run specs: stored with the submission, handed only to a node that holds a task of the job;
 * task logs readable by the job's client and operators, nobody else.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FolderOutputStore } from "../../../lib/adapters/folder-output-store.ts";
import { ForbiddenError, NotFoundError, ValidationError } from "../../../lib/service/errors.ts";
import { getRunSpec, readTaskLog, taskLogKey } from "../../../lib/service/run-spec-access.ts";
import { runPlanningCycle } from "../../../lib/service/run-planning-cycle.ts";
import { pollAgent } from "../../../lib/service/poll-agent.ts";
import { submitJob } from "../../../lib/service/submit-job.ts";
import { asAgent, asClient, cancelOpenJobs, nativeJob, operator, planner, seedClient, seedNode, startService, type ServiceFixture } from "../../support/service-fixture.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

let svc: ServiceFixture;
const dir = mkdtempSync(join(tmpdir(), "bf-runspec-"));
beforeAll(async () => {
  svc = await startService();
  svc.deps.outputs = new FolderOutputStore(dir);
  await seedClient(svc.deps, "A");
  await seedClient(svc.deps, "B");
});
afterAll(async () => { await svc?.stop(); rmSync(dir, { recursive: true, force: true }); });

const rejection = (p: Promise<unknown>) => p.then(() => { throw new Error("expected a rejection"); }, (e: Error) => e);

describe("run specs", () => {
  it("stores the native renderer per step and refuses an unknown renderer naming the field", async () => {
    const { job } = await submitJob(svc.deps, { body: nativeJob({ run: { renderer: "kick", scene: "/s/a.####.ass", output: "/o/a.####.exr" } }) }, asClient("A"));
    const spec = await svc.deps.runSpecs.get(job.id);
    expect(spec?.steps).toEqual([{ name: "render", kind: "render-cpu", secondsPerFrame: 60, run: { renderer: "kick", scene: "/s/a.####.ass", output: "/o/a.####.exr", args: [] } }]);
    const err = await rejection(submitJob(svc.deps, { body: nativeJob({ run: { renderer: "maya" } }) }, asClient("A")));
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).field).toBe("run.renderer");
  });

  it("is handed only to a node holding a task of the job", async () => {
    await cancelOpenJobs(svc.deps);
    const { job } = await submitJob(svc.deps, { body: nativeJob({ frames: "1" }) }, asClient("A"));
    await seedNode(svc.deps, "n1");
    await seedNode(svc.deps, "n2");
    await runPlanningCycle(svc.deps, { owner: "t" }, planner);
    const holder = (await pollAgent(svc.deps, { nodeId: "n1", tasks: [] }, asAgent("n1"))).assignments.some((a) => a.jobId === job.id) ? "n1" : "n2";
    const other = holder === "n1" ? "n2" : "n1";
    expect((await getRunSpec(svc.deps, { nodeId: holder, jobId: job.id }, asAgent(holder))).jobId).toBe(job.id);
    expect(await rejection(getRunSpec(svc.deps, { nodeId: other, jobId: job.id }, asAgent(other)))).toBeInstanceOf(ForbiddenError);
    expect(await rejection(getRunSpec(svc.deps, { nodeId: holder, jobId: job.id }, asAgent(other)))).toBeInstanceOf(ForbiddenError);
  });

  it("stays readable while the agent's first report of the task moves the grant into holding (no window between the two writes)", async () => {
    await cancelOpenJobs(svc.deps);
    const { job } = await submitJob(svc.deps, { body: nativeJob({ frames: "1" }) }, asClient("A"));
    await seedNode(svc.deps, "n3");
    await runPlanningCycle(svc.deps, { owner: "t" }, planner);
    let n = "";
    let a: Awaited<ReturnType<typeof pollAgent>>["assignments"][number] | undefined;
    for (const id of ["n1", "n2", "n3"]) {
      a ??= (await pollAgent(svc.deps, { nodeId: id, tasks: [] }, asAgent(id))).assignments.find((x) => x.jobId === job.id);
      if (a && !n) n = id;
    }
    expect(a).toBeDefined();
    // The agent fetches the run spec while its report of the task is being recorded: ask just after the grant leaves the inbox.
    const nodes = svc.deps.nodes;
    const drop = nodes.dropInbox.bind(nodes);
    const seen: unknown[] = [];
    nodes.dropInbox = async (entries) => {
      await drop(entries);
      seen.push(await getRunSpec(svc.deps, { nodeId: n, jobId: job.id }, asAgent(n)).then((r) => r.jobId, (e: Error) => e.message));
    };
    try {
      await pollAgent(svc.deps, { nodeId: n, tasks: [{ taskId: a!.taskId, token: a!.token, state: "running", progress: 0.1 }] }, asAgent(n));
    } finally {
      nodes.dropInbox = drop;
    }
    expect(seen).toEqual([job.id]);
    expect((await getRunSpec(svc.deps, { nodeId: n, jobId: job.id }, asAgent(n))).jobId).toBe(job.id);
  });

  it("task logs: the job's client and operators read them, another client does not", async () => {
    const { job } = await submitJob(svc.deps, { body: nativeJob({ frames: "1" }) }, asClient("A"));
    const taskId = `${job.id}:render:0`;
    expect(await rejection(readTaskLog(svc.deps, { jobId: job.id, taskId }, asClient("A")))).toBeInstanceOf(NotFoundError);
    await svc.deps.outputs!.put(taskLogKey(job.id, "render", 0), "frame 1: done\n");
    expect(await readTaskLog(svc.deps, { jobId: job.id, taskId }, asClient("A"))).toEqual({ taskId, log: "frame 1: done\n", truncated: false });
    expect((await readTaskLog(svc.deps, { jobId: job.id, taskId }, operator)).log).toBe("frame 1: done\n");
    expect(await rejection(readTaskLog(svc.deps, { jobId: job.id, taskId }, asClient("B")))).toBeInstanceOf(ForbiddenError);
  });
});
