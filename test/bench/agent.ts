/**
 * Agent rows for `npm run bench`:
 *  - agent.per_task: one agent (the CLI, a child process) renders 40 one-frame tasks of the
 *    simulated renderer (8×8, one pass: the render itself is negligible) against the real backend
 *    (dynalite + fauxqs + the API over HTTP). Agent CPU (from /proc, after registration, so tsx
 *    start-up is excluded) and HTTP bytes per task, and the polls it took.
 *  - agent.idle_poll / agent.many: agent-side CPU of one poll, measured in a process that holds only
 *    agents polling a minimal HTTP stub once a second; then how many agents that implies one core
 *    sustains at the server's idle interval (15 s), checked by running 500 of them for a few seconds.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runAgent, type AgentHandle } from "../../lib/agent/index.ts";
import { simulatedJob, startFarm } from "../integration/agent/farm.ts";

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const ticks = Number(process.env.CLK_TCK ?? 100);
const cpuMsOf = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return ((Number(f[11]) + Number(f[12])) / ticks) * 1000;
};

export async function agentBench(): Promise<Record<string, unknown>[]> {
  return [await perTask(), ...(await manyAgents())];
}

async function perTask(): Promise<Record<string, unknown>> {
  const farm = await startFarm();
  const tasks = 40;
  const jobId = await farm.submit(simulatedJob(`1-${tasks}`, { width: 8, height: 8, passes: 1 }, { secondsPerFrame: 1 }));
  const child = farm.spawnAgent("bench1", ["--time-scale", "0.01", "--max-poll-sec", "1"]);
  let err = "";
  child.stderr?.on("data", (d: Buffer) => { err += d.toString(); });
  await farm.until("registration", async () => err.includes("registered"), 60_000);
  const cpu0 = cpuMsOf(child.pid!);
  const t0 = Date.now();
  await farm.until("the job done", async () => (await farm.job(jobId)).status === "done", 120_000);
  const cpu1 = cpuMsOf(child.pid!);
  const wallSec = (Date.now() - t0) / 1000;
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
  const m = /(\d+) polls, (\d+) calls, (\d+) bytes sent, (\d+) received/.exec(err);
  await farm.stop();
  const [polls, calls, sent, received] = (m ?? []).slice(1).map(Number);
  return {
    bench: "agent.per_task", tasks, wall_s: round(wallSec, 1), agent_cpu_ms_per_task: round((cpu1 - cpu0) / tasks, 1),
    polls, http_calls: calls, bytes_sent_per_task: round((sent ?? 0) / tasks, 0), bytes_received_per_task: round((received ?? 0) / tasks, 0),
  };
}

async function manyAgents(): Promise<Record<string, unknown>[]> {
  const idleReply = JSON.stringify({ assignments: [], cancel: [], acknowledged: [], nextPollSec: 1, desiredStatus: "run", leaseSec: 120 });
  // The stub runs in its own process so this one's CPU is the agents' alone.
  const stub = spawn(process.execPath, ["-e", `
    const http = require("node:http");
    const s = http.createServer((q, r) => { q.resume(); q.on("end", () => { r.writeHead(200, {"content-type": "application/json"});
      r.end(q.url.endsWith("/register") ? JSON.stringify({ nodeId: "x", token: "t", tokenExpiresAt: "2999-01-01T00:00:00Z", pollIntervalSec: 15, leaseSec: 120 }) : ${JSON.stringify(idleReply)}); }); });
    s.keepAliveTimeout = 60000;
    s.listen(0, "127.0.0.1", () => console.log(s.address().port));`], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve) => stub.stdout!.once("data", (d: Buffer) => resolve(Number(d.toString()))));
  const dir = mkdtempSync(join(tmpdir(), "bf-agents-"));
  const rows: Record<string, unknown>[] = [];
  try {
    for (const count of [50, 500]) {
      const agents: AgentHandle[] = [];
      for (let i = 0; i < count; i++) {
        agents.push(await runAgent({ api: `http://127.0.0.1:${port}`, registrationSecret: "bench", nodeId: `sim-${count}-${i}`, workDir: join(dir, `${count}-${i}`), imds: false, gpus: [], log: () => {} }));
      }
      await new Promise((r) => setTimeout(r, 1500));
      const polls0 = agents.reduce((n, a) => n + a.stats().polls, 0);
      const cpu0 = process.cpuUsage();
      const seconds = 5;
      await new Promise((r) => setTimeout(r, seconds * 1000));
      const cpu = process.cpuUsage(cpu0);
      const polls = agents.reduce((n, a) => n + a.stats().polls, 0) - polls0;
      const cpuMsPerPoll = (cpu.user + cpu.system) / 1000 / Math.max(1, polls);
      for (const a of agents) a.stop("bench over", 1000);
      await Promise.all(agents.map((a) => a.done));
      rows.push({
        bench: "agent.many", agents: count, seconds, polls, polls_expected: count * seconds, cpu_ms_per_poll: round(cpuMsPerPoll, 3),
        // At the server's 15 s idle interval, one core's worth of polls:
        agents_per_core_at_15s: Math.round(15_000 / cpuMsPerPoll),
      });
    }
  } finally {
    stub.kill();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
