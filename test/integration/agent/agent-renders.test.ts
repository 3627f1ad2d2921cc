/**
 * Real agents against the real backend: a simulated job rendered to PNG files and its task log
 * read through the API, an OpenJD job in one session, a spot notice, a revoked node, a drain.
 * (Crashes, outages and SIGTERM: agent-survives.test.ts.)
 */
import { mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { PNG } from "pngjs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { drainNode, revokeNode } from "../../../lib/service/index.ts";
import { farmHelpers, simulatedJob, startFarm, tokens, type Farm } from "./farm.ts";

let farm: Farm;
beforeAll(async () => { farm = await startFarm({ leaseSec: 2 }); });
afterEach(async () => farm.reset());
afterAll(async () => farm?.stop());

const { done, holding, eventsAfter } = farmHelpers(() => farm);

describe("a render node agent against the real backend", () => {
  it("renders a simulated job to PNG files in the output store and its task log is readable through the API", async () => {
    const jobId = await farm.submit(simulatedJob("1-4"));
    const agent = await farm.agent("r1", { slots: 2 });
    await done(jobId);
    for (const f of ["0001", "0002", "0003", "0004"]) {
      const png = PNG.sync.read(readFileSync(join(farm.store.root, `jobs/${jobId}/render/frame-${f}.png`)));
      expect([png.width, png.height]).toEqual([32, 18]);
    }
    const r = await fetch(`${farm.api.url}/jobs/${jobId}/tasks/${encodeURIComponent(`${jobId}:render:2`)}/log`, { headers: { authorization: `Bearer ${tokens.client}` } });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { log: string }).log).toMatch(/frame 3: done[\s\S]*task succeeded/);
    // Each success reported its frame; the thumbnail beside it is what the API serves (a 32×18 frame is kept at size).
    const listed = await fetch(`${farm.api.url}/jobs/${jobId}/outputs`, { headers: { authorization: `Bearer ${tokens.client}` } });
    const items = ((await listed.json()) as { items: { frame: number; key: string; hasThumbnail: boolean; preview: boolean }[] }).items;
    expect(items.map((i) => i.frame).sort()).toEqual([1, 2, 3, 4]);
    expect(items.find((i) => i.frame === 3)).toMatchObject({ key: `jobs/${jobId}/render/frame-0003.png`, hasThumbnail: true });
    const thumb = await fetch(`${farm.api.url}/jobs/${jobId}/outputs/${encodeURIComponent(`${jobId}:render:2`)}/3/thumbnail`, { headers: { authorization: `Bearer ${tokens.client}` } });
    expect(thumb.headers.get("content-type")).toBe("image/png");
    const bytes = Buffer.from(await thumb.arrayBuffer());
    expect(bytes.equals(readFileSync(join(farm.store.root, `jobs/${jobId}/render/thumbs/frame-0003.png`)))).toBe(true);
    expect([PNG.sync.read(bytes).width, PNG.sync.read(bytes).height]).toEqual([32, 18]);
    agent.stop("test over", 2000);
    expect(await agent.done).toEqual({ reason: "test over", unreported: 0 });
  });

});

describe("an OpenJD job through the agent", () => {
  it("runs every task in one session per slot: environments entered once, exited once after the last task", async () => {
    const trace = join(farm.dir, "openjd-trace.txt");
    const template = {
      specificationVersion: "jobtemplate-2023-09", name: "session reuse",
      parameterDefinitions: [{ name: "Trace", type: "PATH" }, { name: "Out", type: "PATH", objectType: "DIRECTORY", dataFlow: "OUT" }],
      jobEnvironments: [{ name: "Daemon", script: { actions: {
        onEnter: { command: "bash", args: ["-c", "echo enter >> {{Param.Trace}}; echo 'openjd_env: SHOT=sh010'"] },
        onExit: { command: "bash", args: ["-c", "echo exit >> {{Param.Trace}}"] },
      } } }],
      steps: [{
        name: "frames",
        parameterSpace: { taskParameterDefinitions: [{ name: "Frame", type: "INT", range: "1-3" }] },
        script: { actions: { onRun: { command: "bash", args: ["-c", "echo \"$SHOT frame {{Task.Param.Frame}}\" >> {{Param.Trace}}; echo {{Task.Param.Frame}} > {{Param.Out}}/f{{Task.Param.Frame}}.txt; echo 'openjd_progress: 100'"] } } },
      }],
    };
    const out = join(farm.dir, "openjd-out");
    mkdirSync(out);
    const jobId = await farm.submit({ template, parameters: { Trace: trace, Out: out }, secondsPerTask: 1, preview: { previewFirst: false } });
    const agent = await farm.agent("j1", { sessionIdleMs: 60_000 });
    await done(jobId);
    agent.stop("test over", 5000);
    await agent.done;
    const lines = readFileSync(trace, "utf8").trim().split("\n");
    expect(lines[0]).toBe("enter");
    expect(lines.slice(1, 4).sort()).toEqual(["sh010 frame 1", "sh010 frame 2", "sh010 frame 3"]);
    expect(lines.slice(4)).toEqual(["exit"]);
    // What the tasks wrote to the OUT directory is in the output store.
    expect(readFileSync(join(farm.store.root, `jobs/${jobId}/frames/f2.txt`), "utf8")).toBe("2\n");
  });
});

describe("a spot interruption notice", () => {
  it("is read from IMDSv2 each second; with under 10 s left the agent interrupts at once, reports and exits before the deadline", async () => {
    let notice: { action: string; time: string } | undefined;
    const seen: string[] = [];
    const imds = createServer((req, res) => {
      if (req.method === "PUT" && req.url === "/latest/api/token" && req.headers["x-aws-ec2-metadata-token-ttl-seconds"]) { seen.push("token"); res.end("imds-session-1"); return; }
      if (req.url !== "/latest/meta-data/spot/instance-action" || req.headers["x-aws-ec2-metadata-token"] !== "imds-session-1") { res.writeHead(401); res.end(); return; }
      seen.push("check");
      if (!notice) { res.writeHead(404); res.end(); return; }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(notice));
    });
    await new Promise<void>((r) => imds.listen(0, "127.0.0.1", r));
    try {
      const jobId = await farm.submit(simulatedJob("9", { hangFrames: [9] }));
      const agent = await farm.agent("s1", { imds: `http://127.0.0.1:${(imds.address() as AddressInfo).port}` });
      const held = await holding("s1", 0);
      // Under 10 s left (so the interrupt is expedited), but not so few that the agent's last 2 s
      // (when it leaves without another poll) begin before the interrupted task's report can go out:
      // at 8 s, the stop deadline (notice less 5 s, seen within a 1 s poll) left 2-3 s and a loaded
      // machine lost that race ("unreported": 1).
      const terminateAt = Date.now() + 9_500;
      notice = { action: "terminate", time: new Date(terminateAt).toISOString() };
      expect(await agent.done).toEqual({ reason: "spot interruption notice", unreported: 0 });
      expect(Date.now()).toBeLessThan(terminateAt);
      expect(seen.filter((s) => s === "token")).toHaveLength(1);
      expect(seen.filter((s) => s === "check").length).toBeGreaterThan(1);
      expect((await eventsAfter(jobId, "task.interrupted")).filter((e) => e.target.id === held.taskId).map((e) => e.action)).toContain("task.interrupted");
    } finally {
      imds.close();
    }
  });
});

describe("a revoked node", () => {
  it("stops its agent: the API refuses the node's token", async () => {
    const agent = await farm.agent("v1");
    await farm.until("v1 polling", async () => agent.stats().polls > 1);
    await revokeNode(farm.wired.deps, { nodeId: "v1" }, { kind: "operator", operatorId: "test" });
    const exit = await agent.done;
    expect(exit.reason).toMatch(/refuses this node|asked this node to stop/);
  });
});

describe("an operator drain", () => {
  it("lets the running task finish, takes no new work, and keeps the agent polling", async () => {
    const jobId = await farm.submit(simulatedJob("1-3", {}, { secondsPerFrame: 12 }));
    const agent = await farm.agent("d1", { timeScale: 0.1 });
    const held = await holding("d1");
    await drainNode(farm.wired.deps, { nodeId: "d1" }, { kind: "operator", operatorId: "test" });
    // What the node holds once drained and what it had already finished: on a loaded machine the
    // first 1.2 s frame can end, or a second slot take a task, before the drain lands.
    const atDrain = (await farm.wired.deps.nodes.get("d1"))!.holding.map((h) => h.taskId);
    const succeeded = async () => (await farm.taskEvents(jobId)).filter((e) => e.action === "task.succeeded").map((e) => e.target.id);
    const before = await succeeded();
    await farm.until("the running task finishes", async () => (await succeeded()).includes(held.taskId));
    await farm.until("the node holds nothing", async () => (await farm.wired.deps.nodes.get("d1"))!.holding.length === 0);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await farm.wired.deps.nodes.get("d1"))!.holding).toEqual([]);
    const after = (await succeeded()).filter((t) => !before.includes(t));
    expect(after.every((t) => atDrain.includes(t))).toBe(true);
    expect((await farm.job(jobId)).status).not.toBe("done");
    const polls = agent.stats().polls;
    await farm.until("more polls", async () => agent.stats().polls > polls);
  });
});
