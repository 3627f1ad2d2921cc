/**
 * A real backend for agent tests: dynalite + fauxqs, the API Lambda served over HTTP, a
 * folder output store shared by server and agents, and the planner Lambda run every 250 ms
 * (EventBridge's schedule, sped up). Agents are real: in-process (`runAgent`) or the CLI in a
 * child process (`spawnAgent`), talking HTTP.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApi } from "../../../lambdas/api.ts";
import { createPlanner } from "../../../lambdas/planner.ts";
import { wire, type Wired } from "../../../lambdas/wire.ts";
import { FolderOutputStore } from "../../../lib/adapters/folder-output-store.ts";
import { runAgent, type AgentHandle, type AgentOptions } from "../../../lib/agent/index.ts";
import { cancelJob } from "../../../lib/service/cancel-job.ts";
import { ephemeralTokenKeys, issueRegistrationSecret, type AuditEvent, type JobRecord } from "../../../lib/service/index.ts";
import { aLambdaContext, aScheduledEvent } from "../../builders/api-events.ts";
import { serveApi, type ApiHttpServer } from "../../support/api-http-server.ts";
import { localCredentials, startLocalAws, type LocalAws } from "../../support/local-aws.ts";

export const tokens = { client: "token-client-a-00000000002" };
const root = join(import.meta.dirname, "../../..");

export interface Farm {
  api: ApiHttpServer;
  /** The operator's registration secret agents join with. */
  secret: string;
  wired: Wired;
  store: FolderOutputStore;
  dir: string;
  submit(body: Record<string, unknown>): Promise<string>;
  job(id: string): Promise<JobRecord>;
  taskEvents(jobId: string): Promise<AuditEvent[]>;
  agent(nodeId: string, over?: Partial<AgentOptions>): Promise<AgentHandle>;
  spawnAgent(nodeId: string, args?: string[]): ChildProcess;
  until<T>(what: string, probe: () => Promise<T | undefined | false>, ms?: number): Promise<T>;
  /** Stops every agent started so far and cancels every open job: the next test starts clean. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export async function startFarm(o: { leaseSec?: number } = {}): Promise<Farm> {
  process.env.POWERTOOLS_METRICS_DISABLED = "true";
  const aws: LocalAws = await startLocalAws();
  const dir = mkdtempSync(join(tmpdir(), "bf-farm-"));
  const store = new FolderOutputStore(join(dir, "store"));
  const wired = wire({
    TABLE_NAME: aws.tableName, DYNAMODB_ENDPOINT: aws.dynamoEndpoint, SQS_ENDPOINT: aws.sqsEndpoint,
    PLAN_TRIGGER_QUEUE_URL: aws.queueUrls.planTrigger, OUTPUT_DIR: store.root, POWERTOOLS_LOG_LEVEL: "SILENT",
    BURSTFARM_TOKENS: JSON.stringify({ [tokens.client]: { kind: "client", clientId: "studio-a" } }),
    BURSTFARM_AGENT_TOKEN_KEYS: JSON.stringify(ephemeralTokenKeys()),
  }, { credentials: localCredentials });
  // Agents join as on-prem nodes do: an operator's registration secret, exchanged for node tokens.
  const { secret } = await issueRegistrationSecret(wired.deps, { label: "agent tests" }, { kind: "operator", operatorId: "test" });
  await wired.deps.clients.create({ id: "studio-a", name: "A", guaranteedShare: 0.5, maxShare: 1, cloudAllowed: false, cloudBudgetPerMonth: 0, cloudBudgetLeft: 0, createdAt: Date.now(), version: 1 });
  const { policy } = await wired.deps.plans.settings();
  await wired.deps.plans.saveSettings({ policy: { ...policy, leaseSec: o.leaseSec ?? policy.leaseSec } });
  const api = await serveApi(createApi(wired));
  const planner = createPlanner(wired, "planner-agent-test");
  let planning = true;
  const planLoop = (async () => {
    while (planning) {
      await planner(aScheduledEvent(new Date()), aLambdaContext("planner")).catch(() => {});
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  const agents: AgentHandle[] = [];
  const children: ChildProcess[] = [];
  const farm: Farm = {
    api, secret, wired, store, dir,
    async submit(body) {
      const r = await fetch(`${api.url}/jobs`, { method: "POST", headers: { authorization: `Bearer ${tokens.client}`, "content-type": "application/json" }, body: JSON.stringify(body) });
      const json = (await r.json()) as { id: string };
      if (r.status !== 201) throw new Error(`submit: ${r.status} ${JSON.stringify(json)}`);
      return json.id;
    },
    job: async (id) => (await wired.deps.jobs.get(id))!,
    // Task events are filed under the client (the job index holds job events only).
    taskEvents: async (jobId) => (await wired.deps.audit.query({ clientId: "studio-a", limit: 1000 })).items.filter((e) => e.target.id.startsWith(`${jobId}:`)),
    async agent(nodeId, over = {}) {
      const a = await runAgent({ api: api.url, registrationSecret: secret, nodeId, workDir: join(dir, nodeId), outputs: store, imds: false, maxPollSec: 0.25, maxBackoffSec: 0.5, timeScale: 0.1, log: () => {}, ...over });
      agents.push(a);
      return a;
    },
    spawnAgent(nodeId, args = []) {
      const child = spawn(process.execPath, ["--import", "tsx", join(root, "lib/cli/main.ts"), "agent", "--api", api.url, "--registration-secret", secret, "--node-id", nodeId,
        "--work-dir", join(dir, nodeId), "--outputs", store.root, "--max-poll-sec", "0.25", "--max-backoff-sec", "0.5", ...args], { cwd: root, stdio: ["ignore", "ignore", "pipe"] });
      child.stderr?.on("data", (d: Buffer) => { if (process.env.AGENT_DEBUG) process.stderr.write(`[${nodeId}] ${d.toString()}`); });
      children.push(child);
      return child;
    },
    async until(what, probe, ms = 20_000) {
      const end = Date.now() + ms;
      for (;;) {
        const v = await probe();
        if (v !== undefined && v !== false) return v;
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async reset() {
      for (const a of agents.splice(0)) { a.stop("test over", 1000); await a.done.catch(() => {}); }
      for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
      for (const j of await wired.deps.jobs.listActive()) await cancelJob(wired.deps, { jobId: j.id }, { kind: "operator" });
    },
    async stop() {
      await farm.reset();
      planning = false;
      await planLoop;
      await api.close();
      await aws.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return farm;
}

/** A native job of the simulated renderer with small frames. */
export function simulatedJob(frames: string, run: Record<string, unknown> = {}, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "agent test", frames, secondsPerFrame: 1, preview: { previewFirst: false },
    run: { renderer: "simulated", width: 32, height: 18, passes: 2, ...run }, ...over,
  };
}
