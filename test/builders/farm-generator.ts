/**
 * Seeded generator of realistic planner snapshots for benchmarks and property tests.
 *
 *   const { snapshot, now } = generateFarm({ tasks: 10_000, nodes: 500, seed: 1 });
 *
 * Size: `tasks` = outstanding tasks (pending + running) summed over all steps, exactly;
 * `nodes` = farm nodes, exactly (≈2% of them already-rented cloud nodes); jobs J = round(T / 50)
 * by default (`tasksPerJob`), sizes skewed (a few big shots, many small ones).
 * Mix: 5 clients (guarantees 30/25/15/10/0 %, max shares 70–30 %, one without cloud); kinds
 * render-cpu 55 %, render-gpu 20 %, sim 10 %, comp 15 % with matching requirements (GPU, memory,
 * OS); deadlines log-uniform 1 h–72 h (8 % none); chunked frame ranges with done/running holes;
 * comp jobs depend on an earlier render of the same client (acyclic); sim and GPU work often
 * energy-intensive; on-prem CPU boxes (two sizes), GPU boxes, Windows workstations; ≈65 % of ready
 * nodes run a leased task; a 96-hour hourly tariff (night cheap, evening peak, ±10 % noise) from
 * today's midnight; four cloud offers. Deterministic in (params, seed): its own PRNG.
 */
import { mulberry32 as simRng } from "../../lib/sim/rng.ts";
import type { Capabilities, Client, CloudOffer, FarmNode, Job, Lease, Requirements, Snapshot, Step } from "../../lib/planner/types.ts";
import { satisfies } from "../../lib/planner/bounds/eligibility.ts";
import { HOUR, MIN, T0 } from "./planner.ts";

export interface FarmParams {
  tasks: number;
  nodes: number;
  seed?: number;
  now?: number;
  tasksPerJob?: number;
  /** Multiplies every runtime estimate (1 = the default mix; 5 = a farm that needs the cloud). */
  load?: number;
  /**
   * Add the rarer states (off by default so seeds keep producing the same farms): suspended jobs,
   * failed task attempts near the retry limit, jobs at the error limit, blocklists and per-node
   * failure counts, checkpointable sim steps. Uses a second PRNG stream.
   */
  extras?: boolean;
}

/** The simulator's seeded generator (mulberry32), as a plain function for fixtures. */
export function mulberry32(seed: number): () => number {
  const rng = simRng(seed);
  return () => rng.next();
}

type Rng = () => number;
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
const between = (rng: Rng, lo: number, hi: number) => lo + rng() * (hi - lo);
const logUniform = (rng: Rng, lo: number, hi: number) => Math.exp(between(rng, Math.log(lo), Math.log(hi)));

const CLIENTS: Client[] = [
  { id: "studio-a", name: "Studio A", guaranteedShare: 0.3, maxShare: 0.7, cloudAllowed: true, cloudBudgetLeft: 20_000 },
  { id: "studio-b", name: "Studio B", guaranteedShare: 0.25, maxShare: 0.6, cloudAllowed: true, cloudBudgetLeft: 8_000 },
  { id: "studio-c", name: "Studio C", guaranteedShare: 0.15, maxShare: 0.5, cloudAllowed: true, cloudBudgetLeft: 3_000 },
  { id: "ads", name: "Ads unit", guaranteedShare: 0.1, maxShare: 0.4, cloudAllowed: true, cloudBudgetLeft: 1_500 },
  { id: "internal", name: "Internal R&D", guaranteedShare: 0, maxShare: 0.3, cloudAllowed: false, cloudBudgetLeft: 0 },
];

interface BoxType { name: string; share: number; caps: Capabilities; speed: Record<string, number>; idleW: number; busyW: number; tags: string[]; slots: number }
const BOXES: BoxType[] = [
  { name: "cpu-l", share: 0.3, caps: { vcpu: 64, memoryGiB: 256, gpuCount: 0, os: "linux", cpuArch: "x86_64" }, speed: { "render-cpu": 1.8, sim: 1.6, comp: 1.2, "render-gpu": 0.2 }, idleW: 150, busyW: 600, tags: ["cpu", "big-memory"], slots: 1 },
  { name: "cpu-m", share: 0.25, caps: { vcpu: 32, memoryGiB: 128, gpuCount: 0, os: "linux", cpuArch: "x86_64" }, speed: { "render-cpu": 1.0, sim: 0.9, comp: 1.0, "render-gpu": 0.1 }, idleW: 100, busyW: 400, tags: ["cpu"], slots: 1 },
  { name: "gpu", share: 0.2, caps: { vcpu: 32, memoryGiB: 128, gpuCount: 2, gpuModel: "A40", gpuMemoryGiB: 48, os: "linux", cpuArch: "x86_64" }, speed: { "render-cpu": 1.0, sim: 0.9, comp: 1.1, "render-gpu": 2.5 }, idleW: 150, busyW: 900, tags: ["gpu", "render-gpu"], slots: 1 },
  { name: "win-ws", share: 0.15, caps: { vcpu: 16, memoryGiB: 64, gpuCount: 1, gpuModel: "RTX4000", gpuMemoryGiB: 20, os: "windows", cpuArch: "x86_64" }, speed: { "render-cpu": 0.6, sim: 0.5, comp: 0.9, "render-gpu": 1.0 }, idleW: 80, busyW: 350, tags: ["workstation", "comp"], slots: 1 },
  { name: "win-cpu", share: 0.1, caps: { vcpu: 32, memoryGiB: 128, gpuCount: 0, os: "windows", cpuArch: "x86_64" }, speed: { "render-cpu": 1.0, sim: 0.8, comp: 1.0, "render-gpu": 0.1 }, idleW: 100, busyW: 420, tags: ["cpu", "windows"], slots: 2 },
];

export const FARM_OFFERS: CloudOffer[] = [
  { instanceType: "c6i.8xlarge", capabilities: { vcpu: 32, memoryGiB: 64, gpuCount: 0, os: "linux", cpuArch: "x86_64" }, speed: { "render-cpu": 1.0, sim: 0.8, comp: 1.0, "render-gpu": 0.1 }, spotPricePerHour: 0.55, onDemandPricePerHour: 1.36, bootSec: 240, spotInterruptionPerHour: 0.03, maxInstances: 400 },
  { instanceType: "c6i.16xlarge", capabilities: { vcpu: 64, memoryGiB: 128, gpuCount: 0, os: "linux", cpuArch: "x86_64" }, speed: { "render-cpu": 1.9, sim: 1.5, comp: 1.2, "render-gpu": 0.2 }, spotPricePerHour: 1.1, onDemandPricePerHour: 2.72, bootSec: 300, spotInterruptionPerHour: 0.04, maxInstances: 200 },
  { instanceType: "r6i.8xlarge", capabilities: { vcpu: 32, memoryGiB: 256, gpuCount: 0, os: "linux", cpuArch: "x86_64" }, speed: { "render-cpu": 1.0, sim: 1.0, comp: 1.0, "render-gpu": 0.1 }, spotPricePerHour: 0.7, onDemandPricePerHour: 2.02, bootSec: 300, spotInterruptionPerHour: 0.02, maxInstances: 100 },
  { instanceType: "g5.4xlarge", capabilities: { vcpu: 16, memoryGiB: 64, gpuCount: 1, gpuModel: "A10G", gpuMemoryGiB: 24, os: "linux", cpuArch: "x86_64" }, speed: { "render-cpu": 0.5, sim: 0.4, comp: 0.9, "render-gpu": 1.2 }, spotPricePerHour: 0.62, onDemandPricePerHour: 1.62, bootSec: 420, spotInterruptionPerHour: 0.06, maxInstances: 100 },
];

const KINDS = [
  { kind: "render-cpu", share: 0.55, spf: [300, 1800], fpt: [1, 1, 1, 2], energy: 0.2 },
  { kind: "render-gpu", share: 0.2, spf: [60, 600], fpt: [1, 1, 2], energy: 0.6 },
  { kind: "sim", share: 0.1, spf: [600, 3600], fpt: [1], energy: 0.6 },
  { kind: "comp", share: 0.15, spf: [20, 120], fpt: [5, 10, 10], energy: 0 },
] as const;

function weighted<T extends { share: number }>(rng: Rng, xs: readonly T[]): T {
  let r = rng() * xs.reduce((s, x) => s + x.share, 0);
  for (const x of xs) if ((r -= x.share) < 0) return x;
  return xs[xs.length - 1]!;
}

function requirementsFor(rng: Rng, kind: string): Requirements {
  switch (kind) {
    case "render-gpu": return { minGpuCount: 1, minGpuMemoryGiB: rng() < 0.3 ? 32 : 16 };
    case "sim": return { os: ["linux"], minMemoryGiB: 128 };
    case "comp": return { os: ["linux", "windows"] };
    default: return rng() < 0.1 ? { os: ["windows"], minVcpu: 16 } : { os: ["linux"], minVcpu: 16 };
  }
}

/** Split `total` into `n` positive integers with a skewed (log-normal-ish) size distribution. */
function splitSkewed(rng: Rng, total: number, n: number): number[] {
  const w = Array.from({ length: n }, () => Math.exp(1.2 * (rng() + rng() + rng() - 1.5)));
  const sum = w.reduce((a, b) => a + b, 0);
  const out = w.map((x) => Math.max(1, Math.floor((x / sum) * (total - n)) + 1));
  let diff = total - out.reduce((a, b) => a + b, 0);
  for (let i = 0; diff !== 0; i = (i + 1) % n) {
    if (diff > 0) { out[i]!++; diff--; } else if (out[i]! > 1) { out[i]!--; diff++; }
  }
  return out;
}

export function generateFarm(params: FarmParams): { snapshot: Snapshot; now: number } {
  const { tasks, nodes: nodeCount } = params;
  if (!Number.isInteger(tasks) || tasks < 1) throw new Error(`tasks: must be a positive integer, got ${tasks}`);
  if (!Number.isInteger(nodeCount) || nodeCount < 1) throw new Error(`nodes: must be a positive integer, got ${nodeCount}`);
  const rng = mulberry32(params.seed ?? 1);
  const now = params.now ?? T0;
  const jobCount = Math.max(1, Math.min(tasks, Math.round(tasks / (params.tasksPerJob ?? 50))));
  const sizes = splitSkewed(rng, tasks, jobCount);
  const jobs = sizes.map((n, i) => makeJob(rng, i, n, now, params.load ?? 1));
  addDependencies(rng, jobs);
  const nodes = Array.from({ length: nodeCount }, (_, i) => makeNode(rng, i, now));
  addLeases(rng, jobs, nodes, now);
  if (params.extras) addExtras(mulberry32((params.seed ?? 1) ^ 0x5bd1e995), jobs, nodes);
  return { now, snapshot: { jobs, nodes, clients: structuredClone(CLIENTS), tariff: makeTariff(rng, now), cloudOffers: structuredClone(FARM_OFFERS) } };
}

function makeJob(rng: Rng, i: number, outstanding: number, now: number, load: number): Job {
  const k = weighted(rng, KINDS);
  const id = `j${String(i).padStart(5, "0")}`;
  const req = requirementsFor(rng, k.kind);
  const spf = logUniform(rng, k.spf[0], k.spf[1]) * load;
  const framesPerTask = pick(rng, k.fpt);
  const withPreview = outstanding >= 8 && rng() < 0.2;
  const previewTasks = withPreview ? Math.max(1, Math.floor(outstanding / 8)) : 0;
  const step = (name: string, role: Step["role"], n: number, dependsOn: string[], speedUp: number): Step => {
    const done = rng() < 0.4 ? Math.floor(n * between(rng, 0, 0.6)) : 0;
    return {
      name, dependsOn, kind: k.kind, role, framesPerTask, taskCount: n + done,
      pending: n > 0 ? [{ from: done, to: done + n - 1 }] : [],
      runningTasks: 0, doneTasks: done, secondsPerFrame: spf / speedUp,
      runtimeSpread: between(rng, 0.1, 0.5), requirements: req,
    };
  };
  const steps = withPreview
    ? [step("preview", "preview", previewTasks, [], 4), step("final", "final", outstanding - previewTasks, ["preview"], 1)]
    : [step("render", "final", outstanding, [], 1)];
  const deadline = rng() < 0.08 ? null : now + Math.round(logUniform(rng, 1, 72) * HOUR / MIN) * MIN;
  return {
    id, clientId: weighted(rng, CLIENTS.map((c, ci) => ({ ...c, share: [0.3, 0.25, 0.2, 0.15, 0.1][ci]! }))).id,
    name: `${k.kind} ${id}`, priority: rng() < 0.15 ? pick(rng, [30, 70, 90]) : 50,
    submittedAt: now - Math.round(between(rng, 0, 48) * 60) * MIN, deadlineAt: deadline, steps, dependsOn: [],
    energyIntensive: rng() < k.energy,
    preview: { previewFirst: rng() < 0.3, approval: rng() < 0.05 ? "pending" : "not-required" },
    errorCount: rng() < 0.1 ? Math.floor(between(rng, 1, 20)) : 0, cloudAllowed: rng() < 0.8,
  };
}

/** Comp jobs wait for an earlier render of the same client: edges only point backwards (acyclic). */
function addDependencies(rng: Rng, jobs: Job[]): void {
  const lastRender = new Map<string, string>();
  for (const j of jobs) {
    const kind = j.steps[0]!.kind;
    if (kind === "comp" && lastRender.has(j.clientId) && rng() < 0.7) j.dependsOn = [lastRender.get(j.clientId)!];
    if (kind.startsWith("render")) lastRender.set(j.clientId, j.id);
  }
}

function makeNode(rng: Rng, i: number, now: number): FarmNode {
  const box = weighted(rng, BOXES);
  const jitter = pick(rng, [0.9, 1, 1, 1.1]); // measured speed differs a little per machine
  const speed = Object.fromEntries(Object.entries(box.speed).map(([kind, s]) => [kind, Math.round(s * jitter * 100) / 100]));
  const r = rng();
  const status: FarmNode["status"] = r < 0.92 ? "ready" : r < 0.95 ? "asleep" : r < 0.97 ? "draining" : r < 0.99 ? "offline" : "booting";
  const node: FarmNode = {
    id: `n${String(i).padStart(5, "0")}`, pool: "onprem", status, capabilities: structuredClone(box.caps),
    tags: [...box.tags], speed, slots: box.slots, powerIdleW: box.idleW, powerBusyW: box.busyW,
    leases: [], blocklist: [], idleSince: now - Math.round(between(rng, 1, 120)) * MIN,
  };
  if (status === "booting") node.readyAt = now + 5 * MIN;
  if (rng() < 0.02) {
    const offer = pick(rng, FARM_OFFERS);
    Object.assign(node, {
      pool: "cloud", status: "ready", capabilities: structuredClone(offer.capabilities), speed: { ...offer.speed }, slots: 1, powerIdleW: 0, powerBusyW: 0,
      instanceType: offer.instanceType, market: "spot", pricePerHour: offer.spotPricePerHour, clientId: pick(rng, CLIENTS.slice(0, 4)).id, tags: ["cloud"],
    });
  }
  return node;
}

/** ≈65 % of ready nodes run one task of an eligible job; the task leaves the pending ranges. */
function addLeases(rng: Rng, jobs: Job[], nodes: FarmNode[], now: number): void {
  for (const node of nodes) {
    if (node.status !== "ready" || rng() > 0.65) continue;
    for (let attempt = 0; attempt < 12; attempt++) {
      const job = pick(rng, jobs);
      const step = job.steps.find((s) => s.pending.length > 0 && satisfies(node.capabilities, s.requirements));
      if (!step || job.suspended) continue;
      const taskIndex = takeMiddleTask(rng, step);
      const taskSec = (step.framesPerTask * step.secondsPerFrame) / (node.speed[step.kind] ?? 1);
      const startedAt = now - Math.round(rng() * Math.min(taskSec, 3600)) * 1000;
      const lease: Lease = {
        taskId: `${job.id}:${step.name}:${taskIndex}`, jobId: job.id, stepName: step.name, taskIndex,
        startedAt, expiresAt: now + 2 * MIN, expectedEndAt: startedAt + Math.round(taskSec * 1000),
      };
      node.leases.push(lease);
      delete node.idleSince;
      step.runningTasks++;
      break;
    }
  }
}

/** Remove one pending task index (somewhere inside a range, so pending gets holes). */
function takeMiddleTask(rng: Rng, step: Step): number {
  const ri = Math.floor(rng() * step.pending.length);
  const r = step.pending[ri]!;
  const idx = r.from + Math.floor(rng() * (r.to - r.from + 1));
  const parts = [{ from: r.from, to: idx - 1 }, { from: idx + 1, to: r.to }].filter((p) => p.from <= p.to);
  step.pending.splice(ri, 1, ...parts);
  return idx;
}

function makeTariff(rng: Rng, now: number): Snapshot["tariff"] {
  const midnight = now - (now % (24 * HOUR));
  const curve = (h: number) => (h < 6 ? 0.12 : h < 17 ? 0.22 : h < 21 ? 0.35 : 0.18);
  const slots = Array.from({ length: 96 }, (_, i) => ({
    startAt: midnight + i * HOUR, endAt: midnight + (i + 1) * HOUR,
    pricePerKWh: Math.round(curve(i % 24) * between(rng, 0.9, 1.1) * 10_000) / 10_000,
  }));
  return { currency: "USD", slots, defaultPricePerKWh: 0.22 };
}

function addExtras(rng: Rng, jobs: Job[], nodes: FarmNode[]): void {
  for (const j of jobs) {
    if (rng() < 0.03) j.suspended = true;
    if (rng() < 0.03) j.errorCount = 100; // at the default error limit: the job has failed
    for (const st of j.steps) {
      if (st.kind === "sim" && rng() < 0.5) st.checkpointable = true;
      const first = st.pending[0];
      if (first && rng() < 0.15) st.failedAttempts = { [first.from]: 1 + Math.floor(rng() * 3) }; // 3 = the default retry limit
    }
  }
  for (const n of nodes) {
    if (rng() < 0.1 && jobs.length > 0) n.blocklist = [pick(rng, jobs).id];
    if (rng() < 0.1 && jobs.length > 0) n.failuresByJob = { [pick(rng, jobs).id]: 1 + Math.floor(rng() * 4) };
  }
}
