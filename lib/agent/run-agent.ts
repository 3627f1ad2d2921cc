/**
 * `runAgent(options)`: the render node agent (`burstfarm agent`). Registers with the detected
 * capabilities, then lives in the poll loop until told to stop (SIGTERM, a spot notice, the
 * server's `stop`, or `handle.stop()`), and resolves once every task is reported or the stop
 * deadline has passed (the journal keeps anything unreported for the next start).
 */
import { mkdirSync } from "node:fs";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { FolderOutputStore } from "../adapters/folder-output-store.ts";
import type { OutputStore } from "../service/ports.ts";
import type { JobRunSpec } from "../service/run-spec.ts";
import { AgentApi, ApiUnavailable } from "./api-client.ts";
import { detectCapabilities, type Capabilities, type GpuInfo } from "./capabilities.ts";
import { AgentCredential } from "./credentials.ts";
import { Journal } from "./journal.ts";
import { PollLoop, type ExitReason } from "./poll-loop.ts";
import { ProcessGroups } from "./process-tree.ts";
import type { Executables } from "./runners/native-commands.ts";
import { nativeRunner } from "./runners/native-runner.ts";
import { openJdRunner } from "./runners/openjd-runner.ts";
import { simulatedRunner } from "./runners/simulated-runner.ts";
import { onEc2, watchSpotNotice } from "./spot-notice.ts";
import { TaskSlots } from "./task-slots.ts";

export interface AgentOptions {
  /** Base URL of the API, e.g. http://127.0.0.1:8080 */
  api: string;
  token?: string;
  registrationSecret?: string;
  /** Defaults to the id stored in the work dir, else the host name. */
  nodeId?: string;
  tags?: string[];
  slots?: number;
  workDir?: string;
  /** Accepted for callers that know it, never sent: the pool is the farm's fact (secret config, launch record). */
  pool?: "onprem" | "cloud";
  /** Outputs and task logs; default: the folder `<workDir>/outputs`. */
  outputs?: OutputStore;
  /** Simulated renderer: multiplies run times (e.g. 0.01 in tests). */
  timeScale?: number;
  /** This node's speed relative to the reference node, overall or per kind of work. */
  speed?: number | Record<string, number>;
  executables?: Executables;
  /** Instance metadata endpoint to watch for spot notices; default: IMDS when on EC2; false: never. */
  imds?: string | false;
  /** Install SIGTERM/SIGINT handlers (the CLI); off when embedded (tests, local farm). */
  handleSignals?: boolean;
  /** How long a stop may take (the spot notice is 2 minutes). */
  stopWithinMs?: number;
  sessionIdleMs?: number;
  maxBackoffSec?: number;
  /** Poll at least this often whatever the server's interval (tests, simulated farms). */
  maxPollSec?: number;
  gpus?: GpuInfo[];
  /** The hardware to announce instead of this host's (a simulated machine of the local farm). */
  capabilities?: Capabilities;
  log?: (line: string) => void;
}

export interface AgentHandle {
  nodeId: string;
  /** Resolves when the agent has stopped. */
  done: Promise<ExitReason>;
  stop(reason?: string, withinMs?: number): void;
  stats(): { polls: number; calls: number; bytesSent: number; bytesReceived: number };
}

export async function runAgent(o: AgentOptions): Promise<AgentHandle> {
  const workDir = resolve(o.workDir ?? join(process.cwd(), ".burstfarm", "agent"));
  mkdirSync(workDir, { recursive: true });
  const log = o.log ?? ((l: string) => process.stderr.write(`[agent] ${l}\n`));
  // This agent's groups only: another agent in the same process (the local farm) keeps its own.
  const groups = new ProcessGroups(join(workDir, "pids"));
  const killed = groups.killLeftBehind();
  if (killed > 0) log(`killed ${killed} process group(s) left by a previous run`);
  const credentials = new AgentCredential(workDir, { ...(o.token ? { token: o.token } : {}), ...(o.registrationSecret ? { registrationSecret: o.registrationSecret } : {}) });
  const nodeId = o.nodeId ?? credentials.storedNodeId() ?? hostname().replace(/[^A-Za-z0-9_.:-]/g, "-");
  const api = new AgentApi(o.api.replace(/\/$/, ""), () => credentials.bearer());
  const slotsCount = o.slots ?? 1;
  const caps = o.capabilities ?? detectCapabilities(o.tags ?? [], o.gpus);
  // Host facts only: pool, price and power are the farm's (secret config, launch record).
  const body = { nodeId, hostname: hostname(), capabilities: caps, tags: o.tags ?? [], slots: slotsCount, agentVersion: "burstfarm-agent/0.1" };
  const reg = await untilAvailable(() => credentials.register(api, body), log);
  log(`registered ${reg.nodeId}: ${caps.vcpu} vCPU, ${caps.memoryGiB} GiB, ${slotsCount} slot(s)`);

  const journal = new Journal(join(workDir, "journal.jsonl"));
  const specs = new Map<string, Promise<JobRunSpec>>();
  const runSpec = (jobId: string) => {
    let p = specs.get(jobId);
    if (!p) {
      p = untilAvailable(() => api.runSpec(reg.nodeId, jobId), log, 5);
      p.catch(() => specs.delete(jobId));
      specs.set(jobId, p);
    }
    return p;
  };
  const speed = (kind: string) => (typeof o.speed === "number" ? o.speed : o.speed?.[kind] ?? 1);
  let loop: PollLoop;
  const slots = new TaskSlots(slotsCount, () => ({
    simulated: simulatedRunner({ timeScale: o.timeScale ?? 1 }),
    native: nativeRunner({ groups, ...(o.executables ? { executables: o.executables } : {}) }),
    openjd: openJdRunner({ groups }),
  }), {
    workDir, outputs: o.outputs ?? new FolderOutputStore(join(workDir, "outputs")), runSpec, speed, now: Date.now,
    sessionIdleMs: o.sessionIdleMs ?? 60_000,
    finished: (report) => { journal.record(report); loop.nudge(); },
  });
  loop = new PollLoop({ api, credentials, nodeId: reg.nodeId, journal, slots, log, now: Date.now,
    reRegister: async () => { await credentials.register(api, { ...body, nodeId: reg.nodeId }); }, maxBackoffSec: o.maxBackoffSec ?? 30, ...(o.maxPollSec ? { maxPollSec: o.maxPollSec } : {}) });

  const stopWithin = o.stopWithinMs ?? 110_000;
  const stop = (reason = "stop requested", withinMs = stopWithin) => loop.stop(reason, withinMs);
  const onSignal = (sig: string) => () => stop(`${sig} received`);
  const handlers = o.handleSignals ? (["SIGTERM", "SIGINT"] as const).map((s) => [s, onSignal(s)] as const) : [];
  for (const [s, h] of handlers) process.on(s, h);
  const imds = o.imds ?? (onEc2() ? undefined : false);
  const spot = imds === false ? undefined : watchSpotNotice((at) => stop("spot interruption notice", Math.max(0, at - Date.now() - 5_000)), imds);

  const done = loop.run().finally(() => {
    spot?.stop();
    for (const [s, h] of handlers) process.off(s, h);
    groups.close();
  });
  return {
    nodeId: reg.nodeId, done, stop,
    stats: () => ({ polls: loop.polls, calls: api.traffic.calls, bytesSent: api.traffic.sent, bytesReceived: api.traffic.received }),
  };
}

/** Retries while the API is unreachable (capped backoff); other errors, or `attempts` spent, throw. */
async function untilAvailable<T>(call: () => Promise<T>, log: (l: string) => void, attempts = Infinity): Promise<T> {
  let wait = 1000;
  for (let i = 1; ; i++) {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof ApiUnavailable) || i >= attempts) throw err;
      log(`${err.message}; retrying in ${wait / 1000} s`);
      await new Promise((r) => setTimeout(r, wait));
      wait = Math.min(30_000, wait * 2);
    }
  }
}
