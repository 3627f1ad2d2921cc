/**
 * Building blocks for the bundled scenarios: a studio farm of CPU, fast-CPU and GPU nodes,
 * cloud offers from the Spot Advisor data (prices from the data engineer's price model),
 * tariffs from the URDB TOU file or hourly day-ahead prices, and frame-time multipliers from
 * the real Deadline Cloud render log. Speeds and power figures are stated assumptions:
 * a 32-core render node is the reference (1.0), a 64-core node renders 1.8× and simulates
 * 2.4× (memory bandwidth), a GPU box renders GPU work at 1.0 and CPU work at 0.5 (16 cores).
 */
import type { Capabilities, Client, CloudOffer, Job, Step, Tariff } from "../../planner/index.ts";
import { bundledCloudOffers, bundledMarketTariff, bundledRenderLog, bundledTariff } from "../data/index.ts";
import type { FaultModel, SimNodeSpec } from "../types.ts";

export const HOUR = 3600_000;
export const MIN = 60_000;
/** Monday 8 July 2024, 07:00 UTC = 00:00 in Los Angeles (summer: TOU peaks are in effect). */
export const START = Date.UTC(2024, 6, 8, 7, 0, 0);

const CPU: Capabilities = { vcpu: 32, memoryGiB: 128, gpuCount: 0, os: "linux", cpuArch: "x86_64" };
const XCPU: Capabilities = { vcpu: 64, memoryGiB: 256, gpuCount: 0, os: "linux", cpuArch: "x86_64" };
const GPU: Capabilities = { vcpu: 16, memoryGiB: 64, gpuCount: 1, gpuModel: "A40", gpuMemoryGiB: 48, os: "linux", cpuArch: "x86_64" };

export interface FarmShape { cpu: number; xcpu: number; gpu: number }

export function farm(shape: FarmShape): SimNodeSpec[] {
  const pad = (i: number) => String(i + 1).padStart(2, "0");
  const make = (prefix: string, n: number, caps: Capabilities, speed: Record<string, number>, idle: number, busy: number): SimNodeSpec[] =>
    Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${pad(i)}`, capabilities: caps, tags: [prefix], speed, slots: 1, powerIdleW: idle, powerBusyW: busy }));
  return [
    ...make("cpu", shape.cpu, CPU, { "render-cpu": 1, sim: 1, comp: 1 }, 120, 450),
    ...make("xcpu", shape.xcpu, XCPU, { "render-cpu": 1.8, sim: 2.4, comp: 1.2 }, 180, 800),
    ...make("gpu", shape.gpu, GPU, { "render-gpu": 1, "render-cpu": 0.5, sim: 0.4, comp: 1 }, 150, 650),
  ];
}

/** Speed of a cloud type per kind: CPU work by vCPU against the 32-core reference. */
function cloudSpeed(type: string, caps: Capabilities): Record<string, number> {
  const cpu = caps.vcpu / 32;
  const gpu = type.startsWith("g5.") ? 1.1 : type.startsWith("g4dn.") ? 0.6 : 0;
  return { "render-cpu": cpu, sim: cpu * 0.9, comp: Math.min(1, cpu * 2), ...(gpu > 0 ? { "render-gpu": gpu } : {}) };
}

export function cloudOffers(maxInstances = 40): CloudOffer[] {
  return bundledCloudOffers({
    region: "us-east-1", os: "linux", instanceTypes: ["c6i.8xlarge", "c5.4xlarge", "g5.xlarge", "g4dn.xlarge"],
    bootSec: 240, maxInstances, speed: cloudSpeed,
  }).map((o) => (o.capabilities.gpuCount > 0 ? { ...o, capabilities: { ...o.capabilities, memoryGiB: Math.max(o.capabilities.memoryGiB, 16) } } : o));
}

export function touTariff(from: number, to: number): Tariff {
  return bundledTariff("sce-tou8", { from, to, timeZone: "America/Los_Angeles" });
}

/** CAISO day-ahead prices of 8 July 2024 onward, re-stamped onto the scenario window. */
export function marketTariff(from: number, to: number): Tariff {
  return bundledMarketTariff("US-CAL-CISO", 2024, { from, to, sourceFrom: Date.UTC(2024, 6, 8, 7) });
}

let frameMultipliers: number[] | undefined;

/** Real frame times (Deadline Cloud render log, 150 Blender frames) scaled to mean 1. */
export function renderLogMultipliers(): number[] {
  if (!frameMultipliers) {
    const secs = bundledRenderLog().samples.map((s) => s.seconds);
    const mean = secs.reduce((a, b) => a + b, 0) / secs.length;
    frameMultipliers = secs.map((s) => s / mean);
  }
  return frameMultipliers;
}

export function client(id: string, guaranteedShare: number, maxShare: number, cloudAllowed: boolean, budget = 500): Client {
  return { id, name: `Client ${id}`, guaranteedShare, maxShare, cloudAllowed, cloudBudgetLeft: cloudAllowed ? budget : 0 };
}

export const NO_FAULTS: FaultModel = { frameErrorRate: 0, corruptOutputRate: 0, nodeCrashPerHour: 0, crashDownSec: 0 };
export const MILD_FAULTS: FaultModel = { frameErrorRate: 0.01, corruptOutputRate: 0.005, nodeCrashPerHour: 0.002, crashDownSec: 3600 };

export const REQ: Record<string, Step["requirements"]> = {
  "render-cpu": { minVcpu: 16, os: ["linux"] },
  "render-gpu": { minGpuCount: 1, minGpuMemoryGiB: 16 },
  sim: { minMemoryGiB: 64 },
  comp: {},
};

export interface JobOpts {
  client: string;
  kind?: string;
  tasks: number;
  /** Reference seconds per task. */
  taskSec: number;
  submitAt: number;
  due: number | null;
  priority?: number;
  energy?: boolean;
  cloud?: boolean;
  previewFirst?: boolean;
  dependsOn?: string[];
  spread?: number;
  checkpointable?: boolean;
}

/** One-step render job as the service would store it (all tasks pending). */
export function renderJob(id: string, o: JobOpts): Job {
  const kind = o.kind ?? "render-cpu";
  return {
    id, clientId: o.client, name: id, priority: o.priority ?? 50, submittedAt: o.submitAt, deadlineAt: o.due,
    steps: [{
      name: "render", dependsOn: [], kind, role: "final", taskCount: o.tasks, framesPerTask: 1,
      pending: [{ from: 0, to: o.tasks - 1 }], runningTasks: 0, doneTasks: 0, secondsPerFrame: o.taskSec,
      runtimeSpread: o.spread ?? 0.15, requirements: REQ[kind] ?? {}, ...(o.checkpointable ? { checkpointable: true } : {}),
    }],
    dependsOn: o.dependsOn ?? [], energyIntensive: o.energy ?? true,
    preview: { previewFirst: o.previewFirst ?? true, approval: "not-required" }, errorCount: 0, cloudAllowed: o.cloud ?? true,
  };
}
