/**
 * `npm start`: a whole farm on one machine, on the handlers that run in AWS. In order:
 *   1. files    `.burstfarm/` (wiped by --fresh); the farm clock resumes where it stopped
 *   2. servers  dynalite (data under .burstfarm/db) and fauxqs, queues + DLQs as the stack has them
 *   3. wire     lambdas/wire.ts with the local endpoints, token table and farm clock
 *   4. api      the API Lambda behind a Node http adapter (and the monitor page, if present)
 *   5. events   SQS consumers driven like event source mappings; the planner's one-minute schedule
 *   6. seed     a fresh farm gets its settings (tariff, offers, policy) and clients through the API
 *   7. agents   one simulated render node per spec, each with its own credential
 *   8. config   `.burstfarm/local.json` for the CLI
 * `stop()` undoes it in reverse: agents drain, consumers and servers stop, the clock is saved.
 */
import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Server } from "node:http";
import { SQSClient } from "@aws-sdk/client-sqs";
import { createAgentEvents } from "../../lambdas/agent-events.ts";
import { createApi } from "../../lambdas/api.ts";
import { createPlanner, planOfRecordSolver } from "../../lambdas/planner.ts";
import { createSubmissions } from "../../lambdas/submissions.ts";
import { wire, type Wired } from "../../lambdas/wire.ts";
import { ApiClient, ApiError } from "../http/client/api-client.ts";
import { ephemeralTokenKeys, type ClientInput } from "../service/index.ts";
import type { AgentHost, AgentLaunch, RunningAgent } from "./agent-host.ts";
import { demoClients, demoNodes, farmSettings, type LocalNodeSpec } from "./demo/demo-farm.ts";
import { startEventSource, type EventSource } from "./event-source.ts";
import { demoStartAt, FarmClock } from "./farm-clock.ts";
import { apiServer, closeServer, listen, type StaticHandler } from "./http-adapter.ts";
import { localCredentials, startLocalServers, type LocalServers } from "./local-servers.ts";
import { LocalFiles, newToken, type FarmState, type LocalConfig } from "./local-files.ts";
import { startSchedule, type Schedule } from "./schedule.ts";
import { localLimits, startLocalCloud, type LocalCloud } from "./local-cloud.ts";
import { loadMonitor } from "./monitor-mount.ts";
import { agentTimeTranslator } from "./agent-gateway.ts";
import { RecordedOutputStore } from "./output-manifest.ts";
import { useDccStandIns } from "./demo/dcc-stand-ins.ts";
import { RollingPlanOfRecord } from "../solver/rolling-plan-of-record.ts";

export interface LocalFarmOptions {
  files?: LocalFiles;
  fresh?: boolean;
  /** Farm seconds per real second (default 60: a tariff hour in a minute). */
  speed?: number;
  /** The farm clock's start on a fresh farm (default: 07:40 Los Angeles on the latest weekday). */
  startAt?: number;
  nodes?: LocalNodeSpec[];
  clients?: ClientInput[];
  /** Runs the agents; without one the farm has no render nodes (API, planner and queues only). */
  agentHost?: AgentHost;
  /** Farm seconds between scheduled planning cycles (the stack's schedule: 60). */
  planEverySec?: number;
  /** Rent simulated cloud nodes for deadlines the farm cannot keep (default true). */
  cloud?: boolean;
  /** Fixed API port (default: a free one). */
  port?: number;
  /** The farm's cloud ceiling (default 10 USD/h, 4 instances: `localLimits`): the planner plans within it, the capacity guards enforce it. */
  cloudLimits?: { maxSpendPerHour: number; maxInstances: number };
  /** Plan with the greedy passes only (default false: the LP planner of record, HiGHS, as in AWS). */
  greedy?: boolean;
}

export interface LocalFarm {
  readonly files: LocalFiles;
  readonly outputs: RecordedOutputStore;
  readonly config: LocalConfig;
  readonly clock: FarmClock;
  readonly wired: Wired;
  /** True when the farm was loaded from `.burstfarm/` rather than created. */
  readonly resumed: boolean;
  readonly agents: Map<string, RunningAgent>;
  /** The simulated cloud (when the farm runs agents). */
  readonly cloud: LocalCloud | undefined;
  /** The planner of record both planner entry points share (its counts: cycles solved, replayed, greedy; all greedy with `greedy`). */
  readonly planOfRecord: RollingPlanOfRecord;
  operator(): ApiClient;
  client(clientId: string): ApiClient;
  /** Start one more agent: an on-prem machine of the farm, or a cloud node the simulated cloud booted (with its token). */
  startAgent(spec: LocalNodeSpec, pool: "onprem" | "cloud", credential?: AgentLaunch["credential"]): RunningAgent;
  /** Crash an agent: no drain, no report (its leases lapse on the server). */
  killAgent(nodeId: string): void;
  stop(): Promise<void>;
}

export async function startLocalFarm(o: LocalFarmOptions = {}): Promise<LocalFarm> {
  const files = o.files ?? new LocalFiles();
  if (o.fresh) files.wipe();
  const saved = files.readState();
  const previous = files.readConfig();
  files.ensure();
  const onError = (name: string, err: unknown) => {
    const text = err instanceof Error ? `${err.name}: ${err.message}${err.cause ? ` (cause: ${String((err.cause as Error).message ?? err.cause)})` : ""}` : String(err);
    appendFileSync(files.logPath, `${new Date().toISOString()} ${name}: ${text}\n`);
  };

  const servers = await startLocalServers({ dataDir: files.dbDir, visibilityTimeoutSec: 30 });
  const resumed = servers.resumed && saved !== undefined && previous !== undefined;
  const speed = o.speed ?? saved?.speed ?? 60;
  const clock = new FarmClock(resumed ? saved!.clockAt : o.startAt ?? demoStartAt(Date.now()), speed);
  // A paused process (Ctrl-Z, a laptop asleep) resumes the farm where it paused, not pause × speed later.
  const stopWatchingPauses = clock.watchForPauses({
    onPause: (ms) => appendFileSync(files.logPath, `${new Date().toISOString()} farm-clock: paused ${(ms / 1000).toFixed(1)} s; the farm resumed where it paused\n`),
  });
  const clients = o.clients ?? demoClients;
  const nodes = o.nodes ?? demoNodes;

  const config: LocalConfig = {
    apiUrl: "",
    tokens: { operator: previous?.tokens.operator ?? newToken("op"), ...Object.fromEntries(clients.map((c) => [c.id, previous?.tokens[c.id] ?? newToken(c.id)])) },
  };
  // Agents get node tokens from the API (a registration secret each); people get static tokens.
  const tokenKeys = resumed ? saved!.tokenKeys : ephemeralTokenKeys();
  const starts = (resumed ? saved!.starts ?? 0 : 0) + 1;
  const nodeSecrets: Record<string, string> = { ...(resumed ? saved!.nodeSecrets : {}) };
  const tokenTable = {
    [config.tokens.operator]: { kind: "operator" },
    ...Object.fromEntries(clients.map((c) => [config.tokens[c.id]!, { kind: "client", clientId: c.id }])),
  };

  process.env.POWERTOOLS_METRICS_DISABLED ??= "true";
  const outputs = new RecordedOutputStore(files.outputsDir);
  const limits = { ...localLimits, ...o.cloudLimits };
  const wired = wire({
    TABLE_NAME: servers.tableName, DYNAMODB_ENDPOINT: servers.dynamoEndpoint, SQS_ENDPOINT: servers.sqsEndpoint,
    PLAN_TRIGGER_QUEUE_URL: servers.queueUrls.planTrigger, BURSTFARM_TOKENS: JSON.stringify(tokenTable),
    BURSTFARM_AGENT_TOKEN_KEYS: JSON.stringify(tokenKeys),
    BURSTFARM_MAX_SPEND_PER_HOUR: String(limits.maxSpendPerHour), BURSTFARM_MAX_INSTANCES: String(limits.maxInstances),
    ...(o.agentHost && o.cloud !== false ? { CAPACITY_QUEUE_URL: servers.queueUrls.capacity } : {}),
    POWERTOOLS_LOG_LEVEL: process.env.BURSTFARM_LOG_LEVEL ?? "SILENT", AWS_REGION: "us-east-1",
  }, { credentials: localCredentials, clock, outputs });

  const monitor: StaticHandler | undefined = await loadMonitor();
  const api = createApi(wired);
  const server: Server = apiServer(api, monitor);
  config.apiUrl = await listen(server, o.port ?? 0);
  if (monitor) config.monitorUrl = `${config.apiUrl}/`;
  // Agents live in real time; their door converts to and from the farm clock.
  const agentServer: Server = apiServer(api, undefined, agentTimeTranslator(clock));
  config.agentApiUrl = await listen(agentServer);

  const sqs = new SQSClient({ endpoint: servers.sqsEndpoint, region: "us-east-1", credentials: localCredentials, useQueueUrlAsEndpoint: false });
  // One planner of record for the trigger queue and the schedule (each its own lock owner), as one planner container has.
  const planOfRecord = o.greedy
    ? new RollingPlanOfRecord(async () => null, "the farm plans greedily (--greedy)")
    : new RollingPlanOfRecord(planOfRecordSolver);
  // Batch sizes and windows as the stack's event source mappings.
  const sources: EventSource[] = [
    startEventSource({ sqs, queueUrl: servers.queueUrls.planTrigger, name: "planner", handler: createPlanner(wired, undefined, planOfRecord), batchSize: 10, onError }),
    startEventSource({ sqs, queueUrl: servers.queueUrls.agentEvents, name: "agent-events", handler: createAgentEvents(wired), batchSize: 25, batchWindowMs: 1000, onError }),
    startEventSource({ sqs, queueUrl: servers.queueUrls.submissions, name: "submissions", handler: createSubmissions(wired), batchSize: 10, batchWindowMs: 1000, onError }),
  ];
  const schedules: Schedule[] = [startSchedule(clock, o.planEverySec ?? 60, "planner-schedule", createPlanner(wired, undefined, planOfRecord), onError)];

  const operator = () => new ApiClient(config.apiUrl, config.tokens.operator);
  const client = (id: string) => {
    const token = config.tokens[id];
    if (!token) throw new Error(`no token for client ${id} in ${files.configPath}`);
    return new ApiClient(config.apiUrl, token);
  };

  if (!resumed) await seed(wired, operator(), clients, clock.now());
  else await wired.deps.plans.saveSettings({ tariff: farmSettings(clock.now()).tariff });
  // One secret per machine: it carries the machine's power figures (a farm fact, not the agent's word).
  for (const n of nodes) nodeSecrets[n.nodeId] ??= await issueSecret(operator(), n.nodeId, n.powerIdleW, n.powerBusyW);
  config.registrationSecret = previous?.registrationSecret && resumed ? previous.registrationSecret : await issueSecret(operator(), "burstfarm agent (CLI)", 150, 450);
  files.writeConfig(config);
  // Saved now too, so a farm that is killed rather than stopped still resumes (from this instant).
  files.writeState({ clockAt: clock.now(), speed, tokenKeys, nodeSecrets, starts });

  const agents = new Map<string, RunningAgent>();
  /** Machines that crashed (killAgent) stay down: only powered-down ones are woken. */
  const crashed = new Set<string>();
  let stopped = false;
  const startAgent = (spec: LocalNodeSpec, pool: "onprem" | "cloud", given?: AgentLaunch["credential"]): RunningAgent => {
    if (!o.agentHost) throw new Error("this farm runs without agents");
    const workDir = join(files.dir, "agents", spec.nodeId);
    mkdirSync(workDir, { recursive: true });
    const credential = given ?? { registrationSecret: nodeSecrets[spec.nodeId] ?? config.registrationSecret! };
    const agent = o.agentHost({ spec, pool, apiUrl: config.agentApiUrl!, credential, clock, outputs, outputsDir: files.outputsDir, workDir, onError });
    agents.set(spec.nodeId, agent);
    void agent.done.then(() => { if (agents.get(spec.nodeId) === agent) agents.delete(spec.nodeId); });
    return agent;
  };
  const tokenFor = async (nodeId: string) => {
    const t = await wired.deps.credentials!.issue(nodeId, clock.now());
    return { token: t.token, expiresAt: clock.toReal(t.expiresAt) };
  };
  if (o.agentHost) {
    useDccStandIns(clock.speed);
    for (const n of nodes) {
      // A machine the farm already knows (a resumed farm) comes back with a fresh token for its node.
      startAgent(n, "onprem", (await wired.deps.nodes.get(n.nodeId)) ? await tokenFor(n.nodeId) : undefined);
    }
    // Wake-on-LAN, locally: a machine the planner powered down (its agent exited) and now wakes starts again.
    schedules.push(startSchedule(clock, 30, "wake-on-lan", async () => {
      for (const node of await wired.deps.nodes.list()) {
        const spec = nodes.find((n) => n.nodeId === node.id);
        const woken = spec && !agents.has(node.id) && !crashed.has(node.id) && node.desiredStatus === "run" && node.status !== "disabled";
        if (woken && !stopped) startAgent(spec, "onprem", await tokenFor(node.id));
      }
    }, onError));
  }
  // The cloud boots agents too, so it runs only where agents can.
  const cloud: LocalCloud | undefined = o.agentHost && o.cloud !== false ? startLocalCloud({
    wired, sqs, queueUrl: servers.queueUrls.capacity, clock, onError, limits, idPrefix: starts.toString(16).padStart(2, "0"),
    startAgent: (spec, credential) => startAgent(spec, "cloud", credential),
    stopAgent: async (nodeId) => { const a = agents.get(nodeId); agents.delete(nodeId); await a?.stop(); },
  }) : undefined;

  return {
    files, outputs, config, clock, wired, resumed, agents, cloud, planOfRecord, operator, client, startAgent,
    killAgent(nodeId) {
      crashed.add(nodeId);
      agents.get(nodeId)?.kill();
      agents.delete(nodeId);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await cloud?.stop();
      await Promise.allSettled([...agents.values()].map((a) => a.stop()));
      await Promise.all(schedules.map((s) => s.stop()));
      await Promise.all(sources.map((s) => s.stop()));
      await closeServer(server);
      await closeServer(agentServer);
      sqs.destroy();
      await servers.stop();
      stopWatchingPauses();
      const state: FarmState = { clockAt: clock.now(), speed, tokenKeys, nodeSecrets, starts };
      files.writeState(state);
    },
  };
}

async function issueSecret(operator: ApiClient, label: string, powerIdleW: number, powerBusyW: number): Promise<string> {
  return (await operator.request<{ secret: string }>("POST", "/registration-secrets", { body: { label, powerIdleW, powerBusyW } })).secret;
}

/** A new farm: settings, then the clients through the API (as an operator would). */
async function seed(wired: Wired, operator: ApiClient, clients: ClientInput[], now: number): Promise<void> {
  await wired.deps.plans.saveSettings(farmSettings(now));
  for (const c of clients) {
    try {
      await operator.request("POST", "/clients", { body: c });
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 409)) throw err;
    }
  }
}
