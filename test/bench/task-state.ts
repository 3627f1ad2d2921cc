/**
 * Task-state benchmarks (issue [T]), against dynalite + fauxqs in this process with the
 * project's own adapters. Rows (one JSON object each with --json):
 *   commit         CPU of committing 10,000 assignments on one 100,000-task job (storage stubbed:
 *                  the service + adapter code only; median of 5 after 3 warm-up runs).
 *   contention     200 concurrent deadline edits, 500 concurrent settling polls on one job:
 *                  landed / lost / doubled, latency p50/p99, retries.
 *   frame          DynamoDB + SQS requests per frame end to end (grant, deliver, settle, fold:
 *                  20 one-slot nodes, 15 s polls, pre-assigned 10 s frames), and the requests a
 *                  node spends renewing one running task per minute (15 s polls).
 *   cycle          one planning cycle at 2,000 jobs / 100,000 tasks / 5,000 nodes: requests per
 *                  assignment, wall and plan() time.
 *   edit_to_order  a deadline edit → trigger → cycle → the new order saved, at 2,000 jobs.
 * Counts are exact; times are from whatever machine runs it. DynamoDB (dynalite) runs in a child
 * process, as the real service is remote: its CPU is not charged to the code under test.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { createTable } from "../../lib/adapters/aws/table-schema.ts";
import { awsServiceDeps } from "../../lib/adapters/aws/service-deps.ts";
import { DynamoTable } from "../../lib/adapters/aws/dynamo-table.ts";
import { jobItem } from "../../lib/adapters/aws/dynamo-job-store.ts";
import { DynamoNodeStore } from "../../lib/adapters/aws/dynamo-node-store.ts";
import { DynamoTaskStore } from "../../lib/adapters/aws/dynamo-task-store.ts";
import { defaultPolicy, type Assignment, type Job, type Snapshot } from "../../lib/planner/index.ts";
import type { ClientRecord, JobRecord, NodeRecord } from "../../lib/service/model.ts";
import type { ServiceDeps } from "../../lib/service/ports.ts";
import { editJob } from "../../lib/service/edit-job.ts";
import { pollAgent } from "../../lib/service/poll-agent.ts";
import { reclaimExpiredLeases } from "../../lib/service/reclaim-expired-leases.ts";
import { runPlanningCycle } from "../../lib/service/run-planning-cycle.ts";
import { commitGrants } from "../../lib/service/tasks/commit-grants.ts";
import { generateFarm } from "../builders/farm-generator.ts";
import { T0 } from "../builders/planner.ts";
import { localCredentials, localRegion, startLocalAws, type LocalAws } from "../support/local-aws.ts";
import { ManualClock, sequentialIds } from "../support/service-fixture.ts";

const json = process.argv.includes("--json");
const emit = (row: Record<string, unknown>) => console.log(json ? JSON.stringify(row) : Object.entries(row).map(([k, v]) => `${k}=${v}`).join("  "));
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const pct = (xs: number[], q: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? 0; };
const agent = (nodeId: string) => ({ kind: "agent" as const, nodeId });
const system = { kind: "system" as const, component: "bench" };

/** Every DynamoDB and SQS request the adapters send. */
function counting(aws: LocalAws): { total: () => number } {
  let n = 0;
  for (const c of [aws.ddb, aws.sqs] as { middlewareStack: { add: (m: unknown, o: unknown) => void } }[]) {
    c.middlewareStack.add((next: (a: unknown) => Promise<unknown>) => async (args: unknown) => { n++; return next(args); }, { step: "initialize", name: `count-${Math.random()}` });
  }
  return { total: () => n };
}

/** fauxqs in this process, dynalite in a child process on a loopback port. */
async function startAws(): Promise<LocalAws> {
  const local = await startLocalAws();
  const cli = createRequire(import.meta.url).resolve("dynalite/cli.js");
  const port = 20_000 + Math.floor(Math.random() * 30_000);
  const child = spawn(process.execPath, [cli, "--port", String(port), "--host", "127.0.0.1", "--createTableMs", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    child.once("error", reject);
    child.stdout!.on("data", (d: Buffer) => { if (d.toString().includes("listening")) resolve(); });
  });
  const ddb = new DynamoDBClient({ endpoint: `http://127.0.0.1:${port}`, region: localRegion, credentials: localCredentials, maxAttempts: 1 });
  const doc = DynamoDBDocumentClient.from(ddb, { marshallOptions: { removeUndefinedValues: true } });
  await createTable(ddb, local.tableName);
  return {
    ...local, ddb, doc,
    async stop() { ddb.destroy(); child.kill(); await local.stop(); },
  };
}

async function service(aws: LocalAws, clock: ManualClock): Promise<ServiceDeps> {
  return awsServiceDeps({ doc: aws.doc, tableName: aws.tableName, sqs: aws.sqs, planTriggerQueueUrl: aws.queueUrls.planTrigger, clock, ids: sequentialIds() });
}

export function jobRecord(j: Job, now: number): JobRecord {
  return {
    id: j.id, clientId: j.clientId, name: j.name, priority: j.priority, submittedAt: j.submittedAt, deadlineAt: j.deadlineAt, status: "queued",
    steps: j.steps.map((s) => ({
      name: s.name, dependsOn: s.dependsOn, kind: s.kind, role: s.role, taskCount: s.taskCount, framesPerTask: s.framesPerTask,
      frames: [{ start: 1, end: s.taskCount * s.framesPerTask, step: 1 }], parameterSpace: null, secondsPerFrame: s.secondsPerFrame,
      runtimeSpread: s.runtimeSpread, requirements: s.requirements, checkpointable: s.checkpointable ?? false,
      pending: [], leases: [], done: [], exhausted: [], failedAttempts: {},
    })),
    dependsOn: j.dependsOn, energyIntensive: j.energyIntensive, preview: { ...j.preview, lowQualityPass: null },
    errorCount: 0, cloudAllowed: j.cloudAllowed, suspended: false, source: "native", idempotencyKey: null, requestHash: "",
    finishedAt: null, version: 1,
  };
}

function nodeRecord(n: Snapshot["nodes"][number], now: number): NodeRecord {
  const { leases: _l, ...rest } = n;
  return { ...rest, status: rest.status === "booting" ? "ready" : rest.status, hostname: n.id, registeredAt: now, lastSeenAt: now, agentVersion: null, metrics: null, holding: [], desiredStatus: "run", inbox: [], version: 1 };
}

/** Write a farm straight into the table (batched; not what is measured). */
async function seed(aws: LocalAws, jobs: JobRecord[], nodes: NodeRecord[], clients: Snapshot["clients"], now: number): Promise<void> {
  const table = new DynamoTable(aws.doc, aws.tableName);
  const clientItems = clients.map((c) => ({ pk: `CLIENT#${c.id}`, sk: "CLIENT", ...c, createdAt: now, cloudBudgetPerMonth: c.cloudBudgetLeft, version: 1, gsi1pk: "CLIENTS", gsi1sk: c.id } satisfies Record<string, unknown> & Partial<ClientRecord>));
  await table.batchWrite([
    ...jobs.map(jobItem), ...nodes.map((n) => ({ pk: `NODE#${n.id}`, sk: "NODE", ...n, gsi1pk: "NODES", gsi1sk: n.id })), ...clientItems,
  ], [], "seed");
}

async function commitBench(): Promise<void> {
  // Storage stubbed: every request succeeds at once, so only our CPU is measured.
  let requests = 0;
  const doc = { send: async () => { requests++; return {}; } } as unknown as DynamoDBDocumentClient;
  const table = new DynamoTable(doc, "bench");
  const deps = { tasks: new DynamoTaskStore(table), nodes: new DynamoNodeStore(table), jobs: { patch: async () => ({}) }, ids: sequentialIds() } as unknown as ServiceDeps;
  const { snapshot } = generateFarm({ tasks: 100_000, nodes: 200, seed: 7, tasksPerJob: 100_000 });
  const job = jobRecord({ ...snapshot.jobs[0]!, steps: [{ ...snapshot.jobs[0]!.steps[0]!, taskCount: 100_000 }] }, T0);
  job.status = "running";
  const step = job.steps[0]!;
  const assignments: Assignment[] = Array.from({ length: 10_000 }, (_, i) => ({
    nodeId: `n${i % 160}`, jobId: job.id, stepName: step.name, taskIndex: i * 10, taskId: `${job.id}:${step.name}:${i * 10}`,
    frames: 1, estimatedSec: 600, queued: i >= 5_000, reason: "bench",
  }));
  // Warm-up runs at full size (the JIT settles), then the median of five measured runs.
  const runs: { cpu: number; wall: number; written: number; requests: number }[] = [];
  for (let k = 0; k < 8; k++) {
    requests = 0;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await commitGrants(deps, new Map([[job.id, job]]), assignments, [], defaultPolicy, T0);
    const cpu = process.cpuUsage(c0);
    if (k >= 3) runs.push({ cpu: (cpu.user + cpu.system) / 1000, wall: performance.now() - t0, written: r.written, requests });
  }
  runs.sort((a, b) => a.cpu - b.cpu);
  const mid = runs[2]!;
  emit({ bench: "commit", assignments: mid.written, cpu_ms: round(mid.cpu), wall_ms: round(mid.wall), requests: mid.requests, runs: runs.length });
}

async function contentionBench(): Promise<void> {
  const aws = await startAws();
  try {
    const clock = new ManualClock(T0);
    const deps = await service(aws, clock);
    const base = generateFarm({ tasks: 500, nodes: 10, seed: 3, tasksPerJob: 500 }).snapshot.jobs[0]!;
    const job = jobRecord({ ...base, dependsOn: [], steps: [{ ...base.steps[0]!, name: "render", dependsOn: [], taskCount: 500, requirements: {} }] }, T0);
    job.deadlineAt = T0 + 48 * 3600_000;
    const nodes = Array.from({ length: 500 }, (_, i) => nodeRecord({ id: `n${String(i).padStart(3, "0")}`, pool: "onprem", status: "ready", capabilities: { vcpu: 32, memoryGiB: 128, gpuCount: 0, os: "linux", cpuArch: "x86_64" }, tags: [], speed: {}, slots: 1, powerIdleW: 100, powerBusyW: 400, leases: [], blocklist: [] }, T0));
    await seed(aws, [job], nodes, [{ id: job.clientId, name: job.clientId, guaranteedShare: 0.5, maxShare: 1, cloudAllowed: false, cloudBudgetLeft: 0 }], T0);
    const taskCount = job.steps.reduce((n, s) => n + s.taskCount, 0);

    // 200 concurrent edits of one job.
    const edits = await Promise.all(Array.from({ length: 200 }, async (_, i) => {
      const t0 = performance.now();
      try { await editJob(deps, { jobId: job.id, priority: i % 100 }, { kind: "operator", operatorId: "bench" }); return { ok: true, ms: performance.now() - t0 }; } catch { return { ok: false, ms: performance.now() - t0 }; }
    }));
    const version = (await deps.jobs.get(job.id))!.version;
    const landed = edits.filter((e) => e.ok).length;
    emit({ bench: "contention", op: "edit", writers: 200, landed, lost: 200 - landed - Math.max(0, landed - (version - 1)), doubled: Math.max(0, version - 1 - landed), p50_ms: round(pct(edits.map((e) => e.ms), 0.5)), p99_ms: round(pct(edits.map((e) => e.ms), 0.99)), retries: 0 });

    // 500 agents each finishing one task of that job in the same instant.
    const step = job.steps[0]!;
    const assignments: Assignment[] = nodes.slice(0, Math.min(500, taskCount)).map((n, i) => ({ nodeId: n.id, jobId: job.id, stepName: step.name, taskIndex: i, taskId: `${job.id}:${step.name}:${i}`, frames: 1, estimatedSec: 600, queued: false, reason: "bench" }));
    const current = (await deps.jobs.get(job.id))!;
    await commitGrants(deps, new Map([[job.id, current]]), assignments, nodes, defaultPolicy, clock.now());
    const handed = await Promise.all(assignments.map(async (a) => (await pollAgent(deps, { nodeId: a.nodeId, tasks: [] }, agent(a.nodeId))).assignments[0]!));
    clock.advance(60_000);
    const settles = await Promise.all(handed.map(async (a, i) => {
      const t0 = performance.now();
      const r = await pollAgent(deps, { nodeId: assignments[i]!.nodeId, tasks: [{ taskId: a.taskId, token: a.token, state: "succeeded" }] }, agent(assignments[i]!.nodeId));
      return { outcome: r.acknowledged[0]!.outcome, ms: performance.now() - t0 };
    }));
    await reclaimExpiredLeases(deps);
    const done = (await deps.jobs.get(job.id))!.steps[0]!.done.reduce((n, r) => n + r.to - r.from + 1, 0);
    const accepted = settles.filter((s) => s.outcome === "accepted").length;
    emit({ bench: "contention", op: "settle", writers: handed.length, landed: accepted, lost: Math.max(0, accepted - done) + settles.filter((s) => s.outcome !== "accepted").length, doubled: Math.max(0, done - accepted), p50_ms: round(pct(settles.map((s) => s.ms), 0.5)), p99_ms: round(pct(settles.map((s) => s.ms), 0.99)), retries: settles.filter((s) => s.outcome === "retry").length });
  } finally { await aws.stop(); }
}

async function frameBench(): Promise<void> {
  const aws = await startAws();
  try {
    const clock = new ManualClock(T0);
    const deps = await service(aws, clock);
    const count = counting(aws);
    const N = 20;
    const base = generateFarm({ tasks: 400, nodes: 10, seed: 5, tasksPerJob: 400 }).snapshot.jobs[0]!;
    const job = jobRecord({ ...base, dependsOn: [], steps: [{ ...base.steps[0]!, name: "render", dependsOn: [], taskCount: 400, framesPerTask: 1, secondsPerFrame: 10, requirements: {} }] }, T0);
    const nodes = Array.from({ length: N }, (_, i) => nodeRecord({ id: `f${i}`, pool: "onprem", status: "ready", capabilities: { vcpu: 32, memoryGiB: 128, gpuCount: 0, os: "linux", cpuArch: "x86_64" }, tags: [], speed: { [base.steps[0]!.kind]: 1 }, slots: 1, powerIdleW: 100, powerBusyW: 400, leases: [], blocklist: [] }, T0));
    await seed(aws, [job], nodes, [{ id: job.clientId, name: job.clientId, guaranteedShare: 0.5, maxShare: 1, cloudAllowed: false, cloudBudgetLeft: 0 }], T0);
    const start = count.total();
    const held = new Map<string, { taskId: string; token: string; state: "running" | "queued" }[]>(nodes.map((n) => [n.id, []]));
    let frames = 0;
    for (let round = 0; round < 12; round++) {
      await runPlanningCycle(deps, {}, system);
      for (const n of nodes) {
        // The running task finished (frames take 10 s, polls come every 15 s): report it; the queued one runs.
        const mine = held.get(n.id)!;
        const finished = mine.find((t) => t.state === "running");
        const tasks = mine.map((t) => (t === finished ? { ...t, state: "succeeded" as const } : { ...t, state: "running" as const }));
        const r = await pollAgent(deps, { nodeId: n.id, tasks }, agent(n.id));
        frames += r.acknowledged.filter((a) => a.outcome === "accepted").length;
        const still: { taskId: string; token: string; state: "running" | "queued" }[] = mine.filter((t) => t !== finished).map((t) => ({ ...t, state: "running" as const }));
        for (const a of r.assignments) still.push({ taskId: a.taskId, token: a.token, state: still.length === 0 ? "running" : "queued" });
        held.set(n.id, still);
      }
      clock.advance(15_000);
    }
    await runPlanningCycle(deps, {}, system); // folds the last round's reports
    const requests = count.total() - start;
    // Renewal: one node holding one running task, polling every 15 s for a minute.
    const [n0] = nodes;
    const before = count.total();
    for (let i = 0; i < 4; i++) { await pollAgent(deps, { nodeId: n0!.id, tasks: held.get(n0!.id)!.slice(0, 1) }, agent(n0!.id)); clock.advance(15_000); }
    emit({ bench: "frame", nodes: N, frames, requests, requests_per_frame: round(requests / Math.max(1, frames), 2), renew_requests_per_min: count.total() - before });
  } finally { await aws.stop(); }
}

async function cycleBench(): Promise<void> {
  const aws = await startAws();
  try {
    const { snapshot, now } = generateFarm({ tasks: 100_000, nodes: 5_000, seed: 42 });
    const clock = new ManualClock(now);
    const deps = await service(aws, clock);
    const jobs = snapshot.jobs.map((j) => jobRecord(j, now));
    const tasks = jobs.reduce((n, j) => n + j.steps.reduce((m, s) => m + s.taskCount, 0), 0);
    await seed(aws, jobs, snapshot.nodes.map((n) => nodeRecord(n, now)), snapshot.clients, now);
    await deps.plans.saveSettings({ tariff: snapshot.tariff, cloudOffers: snapshot.cloudOffers });
    const count = counting(aws);
    const before = count.total();
    const t0 = performance.now();
    const r = await runPlanningCycle(deps, {}, system);
    const wall = performance.now() - t0;
    const requests = count.total() - before;
    emit({ bench: "cycle", jobs: jobs.length, tasks, nodes: snapshot.nodes.length, assignments: r.assignmentsWritten, requests, requests_per_assignment: round(requests / Math.max(1, r.assignmentsWritten), 3), wall_ms: Math.round(wall), plan_ms: Math.round(r.planMs), warnings: r.warnings.length });

    // The agents pick their grants up (their polls remove the inbox entries), as within 15 s.
    const delivered = (await deps.nodes.list()).flatMap((n) => n.inbox.map((e) => ({ nodeId: n.id, kind: e.kind, token: e.token })));
    await deps.nodes.dropInbox(delivered);

    // Deadline edits at 2,000 active jobs: edit → (the trigger's) cycle → new order saved.
    const latencies: number[] = [];
    let savedAt = 0;
    const plans = Object.assign(Object.create(deps.plans), { saveLatest: async (p: Parameters<typeof deps.plans.saveLatest>[0]) => { await deps.plans.saveLatest(p); if (!savedAt) savedAt = performance.now(); } });
    const timed = { ...deps, plans };
    for (let i = 0; i < 8; i++) {
      clock.advance(1_000); // nodes stay alive (they would be polling): no lease lapses meanwhile
      savedAt = 0;
      const target = jobs[(i * 211) % jobs.length]!;
      const t1 = performance.now();
      await editJob(timed, { jobId: target.id, deadline: new Date(clock.now() + (2 + i) * 3600_000).toISOString() }, { kind: "operator", operatorId: "bench" });
      await runPlanningCycle(timed, {}, system);
      latencies.push(savedAt - t1);
    }
    emit({ bench: "edit_to_order", jobs: jobs.length, edits: latencies.length, p50_ms: Math.round(pct(latencies, 0.5)), p99_ms: Math.round(pct(latencies, 0.99)) });
  } finally { await aws.stop(); }
}

export async function runTaskStateBenches(only?: string): Promise<void> {
  const all: [string, () => Promise<void>][] = [["commit", commitBench], ["contention", contentionBench], ["frame", frameBench], ["cycle", cycleBench]];
  for (const [name, run] of all) if (!only || only === name) await run();
}

if (import.meta.url === `file://${process.argv[1]}`) await runTaskStateBenches(process.env.BENCH_ONLY);
