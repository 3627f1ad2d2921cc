/**
 * Outcomes that are not the node's failure to render the job must not be reported `failed` (which
 * counts toward blocklisting the node for the job and against the task's attempts): a cancel from
 * the server stopping an OpenJD task, and a run spec the API refuses because the lease moved on.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ApiRejected } from "../../../lib/agent/api-client.ts";
import { openJdRunner } from "../../../lib/agent/runners/openjd-runner.ts";
import type { TaskRunner } from "../../../lib/agent/runners/runner.ts";
import { TaskSlots } from "../../../lib/agent/task-slots.ts";
import type { TerminalReport } from "../../../lib/agent/journal.ts";
import { bench, type Bench } from "./runner-helpers.ts";

let b: Bench;
afterEach(() => b?.cleanup());

const template = {
  specificationVersion: "jobtemplate-2023-09", name: "sleepy",
  steps: [{ name: "render", script: { actions: { onRun: { command: "bash", args: ["-c", "echo started; sleep 30"] } } } }],
};

describe("outcomes that are not the node's fault", () => {
  it("an OpenJD task the server cancels (lease expired) is interrupted, not failed", async () => {
    b = bench();
    const ctx = b.context({ run: { renderer: "openjd" }, job: { openjd: { template, parameters: {} } } });
    const running = openJdRunner().run(ctx);
    await new Promise((r) => setTimeout(r, 300));
    ctx.cancellation.cancel({ reason: "lease expired", urgency: "graceful", interrupted: false });
    expect(await running).toMatchObject({ state: "interrupted" });
  });

  it("a run spec the API refuses (the node no longer holds a task of the job) sends the task back interrupted", async () => {
    b = bench();
    const reports: TerminalReport[] = [];
    const never: TaskRunner = { run: () => { throw new Error("must not run"); } };
    const slots = new TaskSlots(1, () => ({ simulated: never, native: never, openjd: never }), {
      workDir: b.dir, outputs: b.store, speed: () => 1, now: Date.now, sessionIdleMs: 1000,
      runSpec: () => Promise.reject(new ApiRejected(403, "HTTP 403 node n1 holds no task of job job-1")),
      finished: (r) => reports.push(r),
    });
    slots.add(b.context({}).assignment);
    for (let i = 0; i < 100 && reports.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(reports.map((r) => r.state)).toEqual(["interrupted"]);
    expect(reports[0]!.message).toMatch(/could not fetch the run spec: HTTP 403/);
  });
});
