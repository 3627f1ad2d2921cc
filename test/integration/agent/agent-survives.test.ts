/**
 * Real agents surviving what render farms go through, against the real backend: an agent killed
 * mid-frame (the frame renders elsewhere exactly once), the API unreachable while a task ends and
 * the agent restarted (no report lost), SIGTERM (the running task comes back `interrupted`), and
 * another agent of the same process stopping (this agent's render is not touched).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { farmHelpers, simulatedJob, startFarm, type Farm } from "./farm.ts";

let farm: Farm;
beforeAll(async () => { farm = await startFarm({ leaseSec: 2 }); });
afterEach(async () => farm.reset());
afterAll(async () => farm?.stop());
const { done, holding, eventsAfter } = farmHelpers(() => farm);

describe("a render node agent survives", () => {
  it("an agent killed with SIGKILL mid-frame: the lease lapses and the frame renders on another node exactly once", async () => {
    const jobId = await farm.submit(simulatedJob("7", {}, { secondsPerFrame: 10 }));
    const doomed = farm.spawnAgent("k1", { timeScale: 0.1 });
    const held = await holding("k1");
    doomed.kill("SIGKILL");
    await farm.agent("k2", { timeScale: 0.05 });
    await done(jobId);
    const events = await eventsAfter(jobId, "task.succeeded");
    expect(events.filter((e) => e.action === "task.succeeded")).toHaveLength(1);
    const expired = events.filter((e) => e.action === "task.lease-expired");
    expect(expired.length).toBeGreaterThanOrEqual(1);
    expect(expired.every((e) => e.target.id === held.taskId)).toBe(true);
    expect(existsSync(join(farm.store.root, `jobs/${jobId}/render/frame-0007.png`))).toBe(true);
  });

  it("a report made while the API is unreachable survives the agent's restart and is accepted once", async () => {
    const jobId = await farm.submit(simulatedJob("3", {}, { secondsPerFrame: 10 }));
    const first = await farm.agent("o1");
    await holding("o1");
    farm.api.down(true);
    const journal = join(farm.dir, "o1", "journal.jsonl");
    await farm.until("the report in the journal", async () => existsSync(journal) && readFileSync(journal, "utf8").includes('"succeeded"'));
    first.stop("restart", 500);
    expect(await first.done).toEqual({ reason: "restart", unreported: 1 });
    farm.api.down(false);
    const second = await farm.agent("o1");
    await done(jobId);
    await farm.until("the journal emptied", async () => readFileSync(journal, "utf8") === "");
    expect((await eventsAfter(jobId, "task.succeeded")).filter((e) => e.action === "task.succeeded")).toHaveLength(1);
    second.stop("test over", 1000);
  });

  it("SIGTERM: the running task is reported interrupted (not failed) and the agent exits promptly", async () => {
    const jobId = await farm.submit(simulatedJob("5", { hangFrames: [5] }));
    const agent = farm.spawnAgent("t1", { timeScale: 0.1 });
    const held = await holding("t1", 0);
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    agent.kill("SIGTERM");
    const code = await new Promise<number | null>((resolve) => agent.once("exit", (c) => resolve(c)));
    expect(code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(10_000);
    const events = await eventsAfter(jobId, "task.interrupted");
    expect(events.filter((e) => e.target.id === held.taskId).map((e) => e.action)).toContain("task.interrupted");
    const step = (await farm.job(jobId)).steps[0]!;
    expect(step.failedAttempts).toEqual({});
  });

  it("another agent in the same process stopping leaves this agent's render running (no failure counted against it)", async () => {
    // The local farm runs its nodes in one process: a rented node released while an on-prem
    // node rendered used to SIGKILL that render too, counted as the on-prem node's failure.
    const jobId = await farm.submit({ name: "two agents one process", frames: "1", secondsPerFrame: 1, preview: { previewFirst: false }, run: { renderer: "command", command: ["bash", "-c", "sleep 1.5"] } });
    await farm.agent("p1");
    await holding("p1", 0);
    const other = await farm.agent("p2");
    other.stop("released", 500);
    await other.done;
    await done(jobId);
    const events = await eventsAfter(jobId, "task.succeeded");
    expect(events.filter((e) => e.action === "task.failed")).toEqual([]);
    expect((await farm.job(jobId)).steps[0]!.failedAttempts).toEqual({});
  });
});
