/**
 * A small running farm for the monitor's browser tests: the real API handler over dynalite and
 * fauxqs (test/integration/http/harness.ts), served with the monitor on one loopback port.
 * Two clients, three on-prem nodes and one spot node, the bundled SCE TOU-8 tariff, four jobs.
 * `step()` is one stretch of farm time: a planning cycle, every node polls, and the frames it
 * got last time finish (one frame of job `failing` always fails, so it runs out of retries).
 * A finished frame is a real PNG (the simulated renderer's picture, 512×288) written through the
 * agent's own output recorder, so its success report carries the frames and their thumbnails.
 * The farm first fast-forwards two hours ending now (so the charts have a history), then
 * follows the wall clock.
 */
import { bundledTariff } from "../../lib/sim/data/index.ts";
import { issueRegistrationSecret, outputPrefix, runPlanningCycle, taskLogKey, type OutputStore } from "../../lib/service/index.ts";
import { OutputRecorder } from "../../lib/agent/output-recorder.ts";
import { renderPass } from "../../lib/agent/runners/simulated-image.ts";
import { monitorAssets } from "../../lib/monitor/index.ts";
import { createApi } from "../../lambdas/api.ts";
import { aNativeJob, aRequest, ManualClock, seedClients, startApi, tokens, type ApiHarness } from "../integration/http/harness.ts";
import { serveApi, type ServedApi } from "./serve.ts";

const H = 3_600_000;

/** Fixed while fast-forwarding; the wall clock once `follow` is set. */
class FarmClock extends ManualClock {
  follow = false;
  override now(): number { return this.follow ? Date.now() : this.at; }
}

type Assignment = { taskId: string; token: string; jobId: string; stepName: string; taskIndex: number; frames: number[] | null; quality: number | null };

const node = (id: string) => ({
  nodeId: id, hostname: `${id}.farm.local`, slots: 2, agentVersion: "e2e",
  capabilities: { vcpu: 32, memoryGiB: 128, gpuCount: 0, os: "linux", cpuArch: "x86_64" },
});

export interface MonitorFarm {
  h: ApiHarness;
  server: ServedApi;
  jobs: Record<"beauty" | "comp" | "failing" | "review", string>;
  nodes: string[];
  step(stepMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startMonitorFarm(): Promise<MonitorFarm> {
  const clock = new FarmClock(Date.now() - 2 * H);
  // Where agents upload task logs (S3 in AWS, a folder locally).
  const files = new Map<string, Uint8Array>();
  const outputs: OutputStore = { put: async (k, b) => { files.set(k, typeof b === "string" ? Buffer.from(b) : b); }, get: async (k) => files.get(k) };
  const h = await startApi({ clock, outputs });
  // The farm's cloud ceiling, as BURSTFARM_MAX_SPEND_PER_HOUR / BURSTFARM_MAX_INSTANCES set it (lambdas/wire.ts).
  h.wired.deps.cloudLimits = { maxSpendPerHour: 2, maxInstances: 4 };
  await seedClients(h);
  await h.wired.deps.plans.saveSettings({
    tariff: bundledTariff("sce-tou8", { from: clock.at - 6 * H, to: clock.at + 24 * H, timeZone: "America/Los_Angeles" }),
  });
  const nodes = ["r01", "r02", "r03", "spot-1"];
  const operator = { kind: "operator", operatorId: "e2e" } as const;
  const { secret } = await issueRegistrationSecret(h.wired.deps, { label: "render room", powerIdleW: 120, powerBusyW: 450 }, operator);
  const nodeTokens = new Map<string, string>();
  for (const id of nodes) {
    const r = await h.call(aRequest("POST", "/agents/register").as(secret).json(node(id)));
    if (r.status !== 200) throw new Error(`register ${id}: ${JSON.stringify(r.body)}`);
    nodeTokens.set(id, r.body.token);
  }
  // A spot node as the capacity use case would have launched it (launch facts are the farm's, not the agent's).
  await h.wired.deps.nodes.update("spot-1", (n) => ({
    next: { ...n, pool: "cloud", instanceType: "c6i.8xlarge", market: "spot", pricePerHour: 0.58, clientId: "studio-b" }, result: null,
  }));
  const agent = (id: string) => nodeTokens.get(id)!;
  const submit = async (token: string, job: Record<string, unknown>, dueH: number) => {
    const r = await h.call(aRequest("POST", "/jobs").as(token).json({ ...aNativeJob(job), deadline: new Date(clock.at + dueH * H).toISOString() }));
    if (r.status !== 201) throw new Error(`submit: ${JSON.stringify(r.body)}`);
    return r.body.id as string;
  };
  const jobs = {
    beauty: await submit(tokens.clientA, { name: "sh010 beauty", frames: "1001-1048", secondsPerFrame: 900, priority: 60 }, 3.5),
    comp: await submit(tokens.clientB, { name: "ep3 comp", frames: "1-60", secondsPerFrame: 1200 }, 2.25),
    failing: await submit(tokens.clientB, { name: "ep3 fx sim", frames: "1-12", secondsPerFrame: 600, priority: 90 }, 1.5),
    review: await submit(tokens.clientA, { name: "sh020 lookdev", frames: "1-30", secondsPerFrame: 600, preview: { previewFirst: true, requireApproval: true } }, 8),
  };
  const held = new Map<string, Assignment[]>();
  const settle = async (nodeId: string, a: Assignment, startedAt: number, endedAt: number) => {
    const fail = a.jobId === jobs.failing && a.taskIndex === 4;
    const log = [`burstfarm-agent: task ${a.taskId} on ${nodeId}`, "Fra:1 Mem:812M | Syncing scene", fail ? "exit 139: segfault in fluid solver" : "Saved frame; exit 0"];
    await outputs.put(taskLogKey(a.jobId, "render", a.taskIndex), log.join("\n"));
    const frames = fail ? [] : await renderFrames(a);
    const path = `/agents/${nodeId}/tasks/${encodeURIComponent(a.taskId)}/${fail ? "fail" : "complete"}`;
    await h.call(aRequest("POST", path).as(agent(nodeId)).json({
      token: a.token, startedAt, endedAt, ...(fail ? { message: "exit 139: segfault in fluid solver" } : { outputs: frames }),
    }));
  };

  /** What the agent's recorder reports after a success: real frames, real thumbnails in the store. */
  const renderFrames = async (a: Assignment) => {
    const recorder = new OutputRecorder(outputs, outputPrefix(a.jobId, a.stepName));
    const frames = a.frames ?? [a.taskIndex];
    for (const f of frames) await recorder.put(`${recorder.prefix}frame-${String(f).padStart(4, "0")}.png`, renderPass(f, 3, 3, 512, 288, 1));
    return recorder.manifest({ frames, quality: a.quality });
  };

  let lastStep = clock.now();
  const renewedAt = new Map(nodes.map((id) => [id, clock.now()]));
  async function step(stepMs = 0): Promise<void> {
    clock.advance(stepMs);
    for (const id of nodes) for (const a of held.get(id) ?? []) await settle(id, a, lastStep, clock.now());
    lastStep = clock.now();
    held.clear();
    // Heartbeat first (agents poll every few seconds), then plan, then collect assignments.
    const poll = (id: string, i: number, tasks: Assignment[] = []) => h.call(aRequest("POST", `/agents/${id}/poll`).as(agent(id)).json({
      tasks: tasks.map((a) => ({ taskId: a.taskId, token: a.token, state: "running", progress: 0.3 })), metrics: { cpuPct: 35 + 20 * i, memoryPct: 40 + 9 * i },
    }));
    for (const [i, id] of nodes.entries()) {
      // Agents renew their node token at about half its life (an hour's token: every 30 minutes).
      if (clock.now() - (renewedAt.get(id) ?? 0) >= 30 * 60_000) {
        const renewed = await h.call(aRequest("POST", `/agents/${id}/token`).as(agent(id)));
        if (renewed.status !== 200) throw new Error(`renew ${id}: ${JSON.stringify(renewed.body)}`);
        nodeTokens.set(id, renewed.body.token);
        renewedAt.set(id, clock.now());
      }
      const r = await poll(id, i);
      if (r.status !== 200) throw new Error(`poll ${id}: ${JSON.stringify(r.body)}`);
    }
    await runPlanningCycle(h.wired.deps, { owner: "e2e" }, { kind: "system", component: "planner" });
    for (const [i, id] of nodes.entries()) {
      const r = await poll(id, i);
      held.set(id, (r.body.assignments ?? []).filter((a: { queued: boolean }) => !a.queued));
      // Report them running, as the agent's next poll would (what the Nodes view shows); not needed while fast-forwarding.
      if (clock.follow) await poll(id, i, held.get(id));
    }
  }

  for (let t = 0; t < 10; t++) await step(t === 0 ? 0 : 12 * 60_000);
  clock.at = Date.now();
  clock.follow = true;
  await step();
  const server = await serveApi(createApi(h.wired), monitorAssets());
  return { h, server, jobs, nodes, step, async stop() { await server.close(); await h.stop(); } };
}
