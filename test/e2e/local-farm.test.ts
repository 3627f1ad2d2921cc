/**
 * The local farm end to end, on the handlers that run in AWS: three agents (one a separate
 * process that is killed mid-frame) and the simulated cloud, two clients, three jobs with
 * deadlines, one deadline edited through the CLI. Every frame is rendered exactly once (the
 * output files, the API and the audit trail agree), preview frames come first, only the job
 * that needs it gets cloud nodes, the killed agent's frame is rendered elsewhere, and the CLI's
 * --json views are the API's.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAllJobs } from "../../lib/cli/list-jobs.ts";
import { runCli } from "../../lib/cli/program.ts";
import type { AgentHost } from "../../lib/local/agent-host.ts";
import { childAgentHost } from "../../lib/local/child-agents.ts";
import type { LocalNodeSpec } from "../../lib/local/demo/demo-farm.ts";
import { localAgentHost } from "../../lib/local/local-agents.ts";
import { startLocalFarm, type LocalFarm } from "../../lib/local/local-farm.ts";
import { LocalFiles } from "../../lib/local/local-files.ts";
import { folderFrameWrites, previewFirst } from "../../lib/local/summary.ts";

const minute = 60_000;
const cpu = (nodeId: string, speed = 1): LocalNodeSpec => ({
  nodeId, capabilities: { vcpu: 32, memoryGiB: 128, gpuCount: 0, os: "linux", cpuArch: "x86_64" },
  tags: ["render-cpu"], speed: { "render-cpu": speed }, powerIdleW: 100, powerBusyW: 400,
});
const victim = "e2e-crashy";
const host: AgentHost = (l) => (l.spec.nodeId === victim ? childAgentHost(l) : localAgentHost(l));

let farm: LocalFarm;
let dir: string;
const until = async (what: string, ok: () => Promise<boolean>, ms: number) => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
};

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runCli(argv, { out: { write: (s: string) => { out += s; } }, err: { write: (s: string) => { err += s; } } });
  return { code, out, err };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "burstfarm-e2e-"));
  process.env.BURSTFARM_HOME = dir;
  farm = await startLocalFarm({
    files: new LocalFiles(dir), fresh: true, speed: 60, nodes: [cpu("e2e-a"), cpu("e2e-b"), cpu(victim, 0.5)], agentHost: host, planEverySec: 30,
    clients: [
      { id: "alpha", name: "Alpha", guaranteedShare: 0.5, maxShare: 1, cloudAllowed: false, cloudBudgetPerMonth: 0 },
      { id: "beta", name: "Beta", guaranteedShare: 0.3, maxShare: 1, cloudAllowed: true, cloudBudgetPerMonth: 100 },
    ],
  });
});
afterAll(async () => {
  await farm?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the local farm, end to end", () => {
  it("renders every frame exactly once through a crash, a deadline edit and a burst", async () => {
    // The three agents first (one is a separate process that starts later): a job submitted before
    // then was planned on a smaller farm, so whether the urgent job needed a burst depended on timing.
    await until("the three agents to register", async () => (await farm.wired.deps.nodes.list()).filter((n) => n.pool === "onprem" && n.status === "ready").length === 3, 60_000);
    const at = (ms: number) => new Date(farm.clock.now() + ms).toISOString();
    const submit = async (client: string, body: Record<string, unknown>) => (await farm.client(client).request("POST", "/jobs", { body })).id as string;
    const preview = await submit("alpha", { name: "preview first", frames: "1-8", secondsPerFrame: 120, deadline: at(90 * minute), cloudAllowed: false });
    const edited = await submit("alpha", { name: "edited", frames: "1-6", secondsPerFrame: 120, deadline: at(4 * 60 * minute), cloudAllowed: false, preview: { previewFirst: false } });
    // 64 node-minutes due in 20: more than the whole farm (2.5 nodes' worth, 50) can render by then, so only a burst makes it.
    const urgent = await submit("beta", { name: "urgent", frames: "1-32", secondsPerFrame: 120, deadline: at(20 * minute), preview: { previewFirst: false } });

    // Crash the separate-process agent in the middle of a frame (a slow machine: 4 s a frame;
    // its last poll, at most a second old, said the frame was under half done).
    let killed = "";
    await until("the victim to be mid-frame", async () => {
      const held = (await farm.wired.deps.nodes.get(victim))?.holding ?? [];
      const mid = held.find((h) => h.progress > 0 && h.progress <= 0.5);
      if (mid) killed = mid.taskId;
      return mid !== undefined;
    }, 60_000);
    farm.killAgent(victim);

    // A wrangler moves a deadline, through the CLI.
    const newDeadline = at(45 * minute);
    const edit = await cli("edit", edited, "--deadline", newDeadline, "--json");
    expect(edit.code, edit.err).toBe(0);
    expect(JSON.parse(edit.out).deadline).toBe(newDeadline);

    const api = farm.operator();
    await until("every job to finish", async () => (await listAllJobs<any>(api)).every((j) => j.status === "done"), 100_000);
    const jobs = await listAllJobs<any>(api);
    expect(jobs.map((j) => [j.name, j.status, j.progress.done, j.progress.tasks])).toEqual(expect.arrayContaining([
      ["preview first", "done", 8, 8], ["edited", "done", 6, 6], ["urgent", "done", 32, 32],
    ]));
    expect((await api.get(`/jobs/${edited}`)).deadline).toBe(newDeadline);

    // Output files: exactly the frames of each job, no more, no fewer.
    for (const [id, frames] of [[preview, 8], [edited, 6], [urgent, 32]] as const) {
      const files = readdirSync(join(farm.files.outputsDir, "jobs", id, "render")).filter((f) => f.endsWith(".png")).sort();
      expect(files).toEqual(Array.from({ length: frames }, (_, i) => `frame-${String(i + 1).padStart(4, "0")}.png`));
    }
    expect(previewFirst(folderFrameWrites(join(farm.files.outputsDir, "jobs", preview, "render"), preview), 3)).toBe(true);
    // The monitor's "Latest frames": the real agents reported them, each with a thumbnail beside it (frames are 160×90: kept at size).
    const latest = (await api.get(`/jobs/${urgent}/outputs`, { limit: 32 })).items as { frame: number; hasThumbnail: boolean }[];
    expect(latest.map((o) => o.frame).sort((x, y) => x - y)).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
    expect(latest.every((o) => o.hasThumbnail)).toBe(true);
    const thumb = PNG.sync.read(readFileSync(join(farm.files.outputsDir, "jobs", urgent, "render", "thumbs", "frame-0016.png")));
    expect([thumb.width, thumb.height]).toEqual([160, 90]);

    // The audit trail: one accepted success per task; the crashed frame succeeded elsewhere; cloud only for the urgent job.
    // Reports are folded into the audit trail by the next planning cycle (a view counts them at once).
    const auditFrom = new Date(farm.clock.now() - 24 * 60 * minute).toISOString();
    const successes = async () => (await api.all<any>("/audit", { from: auditFrom })).filter((e) => e.action === "task.succeeded");
    await until("every success in the audit trail", async () => new Set((await successes()).map((e) => e.target.id)).size >= 46, 30_000);
    const succeeded = await successes();
    const perTask = new Map<string, any[]>();
    for (const e of succeeded) perTask.set(e.target.id, [...(perTask.get(e.target.id) ?? []), e]);
    expect(perTask.size).toBe(46);
    expect([...perTask.values()].filter((list) => list.length !== 1)).toEqual([]);
    expect(perTask.get(killed)?.[0].after.nodeId).not.toBe(victim);
    const onCloud = succeeded.filter((e) => e.after.nodeId.startsWith("i-"));
    expect(onCloud.length).toBeGreaterThan(0);
    expect(new Set(onCloud.map((e) => e.target.id.split(":")[0]))).toEqual(new Set([urgent]));

    // Planned by the LP of record (HiGHS), as in AWS: solved cycles, never the greedy fallback.
    expect(farm.planOfRecord?.counts.solved).toBeGreaterThan(0);
    expect(farm.planOfRecord?.counts.greedy).toBe(0);

    // The CLI's JSON is the API's.
    const listed = await cli("jobs", "--json");
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.out)).toEqual(await listAllJobs(api));
    const one = await cli("job", urgent, "--json");
    expect(JSON.parse(one.out)).toEqual(await api.get(`/jobs/${urgent}`));
    const missing = await cli("job", "job-does-not-exist");
    expect(missing.code).toBe(3);
  }, 180_000);
});
