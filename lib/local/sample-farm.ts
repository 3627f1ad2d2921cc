/**
 * A bundled sample farm for `npm start`: three clients (two feature shows and a commercial),
 * 40 on-prem nodes (CPU boxes, GPU boxes, a few fast-simulation boxes, two Windows boxes for
 * After Effects), a day of deliveries, the SCE TOU-8 tariff (Los Angeles) and us-west-2 spot
 * offers from the bundled Spot Advisor data. Built from builders-free plain data so the same
 * farm can seed the local mode later.
 */
import type { CloudOffer, FarmNode, Job, Snapshot, Step } from "../planner/index.ts";
import { bundledCloudOffers, bundledTariff } from "../sim/data/index.ts";

const H = 3600_000;

export function sampleFarm(now: number): Snapshot {
  return {
    clients: [
      { id: "nebula", name: "Nebula Pictures (feature)", guaranteedShare: 0.4, maxShare: 0.8, cloudAllowed: true, cloudBudgetLeft: 400 },
      { id: "harbor", name: "Harbor Films (feature)", guaranteedShare: 0.4, maxShare: 0.8, cloudAllowed: true, cloudBudgetLeft: 150 },
      { id: "spark", name: "Spark Ads (commercial)", guaranteedShare: 0.2, maxShare: 0.5, cloudAllowed: false, cloudBudgetLeft: 0 },
    ],
    nodes: [
      ...range(24, (i) => node(`cpu-${pad(i)}`, now, { vcpu: 32, memoryGiB: 128, gpuCount: 0, os: "linux", cpuArch: "x86_64" }, [], {}, i < 14 ? busy(i, now) : [])),
      ...range(8, (i) => node(`gpu-${pad(i)}`, now, { vcpu: 16, memoryGiB: 64, gpuCount: 2, gpuModel: "A40", gpuMemoryGiB: 48, os: "linux", cpuArch: "x86_64" }, ["render-gpu"], { "render-gpu": 1, "render-cpu": 0.5 })),
      ...range(6, (i) => node(`sim-${pad(i)}`, now, { vcpu: 64, memoryGiB: 512, gpuCount: 0, os: "linux", cpuArch: "x86_64" }, ["sim"], { sim: 2.5, "render-cpu": 1.6 })),
      ...range(2, (i) => node(`win-${pad(i)}`, now, { vcpu: 16, memoryGiB: 64, gpuCount: 0, os: "windows", cpuArch: "x86_64" }, ["comp"], { comp: 1 })),
    ],
    jobs: [
      job("neb-sq040-lighting", "nebula", now, 6 * H, 70, [step("render", "render-cpu", 240, 900, { minVcpu: 16 })], { previewFirst: true }),
      job("neb-sq040-fx-sim", "nebula", now, 30 * H, 50, [step("sim", "sim", 40, 2400, { minMemoryGiB: 256 })], { energyIntensive: true }),
      job("neb-sq040-comp", "nebula", now, 8 * H, 60, [step("comp", "comp", 240, 60, { os: ["windows"] })], { dependsOn: ["neb-sq040-lighting"] }),
      job("har-ep3-render", "harbor", now, 4 * H, 50, [step("render", "render-gpu", 600, 300, { minGpuCount: 1, minGpuMemoryGiB: 24 })], {}),
      job("har-ep3-denoise", "harbor", now, 36 * H, 40, [step("denoise", "render-gpu", 200, 120, { minGpuCount: 1 })], { energyIntensive: true }),
      job("spark-30s-spot", "spark", now, 5 * H, 80, [step("preview", "render-cpu", 10, 120, {}, "preview"), step("final", "render-cpu", 90, 600, {})], { approval: "pending" }),
      job("spark-bumper", "spark", now, null, 30, [step("render", "render-cpu", 30, 300, {})], {}),
    ],
    tariff: bundledTariff("sce-tou8", { from: now - 2 * H, to: now + 72 * H, timeZone: "America/Los_Angeles" }),
    cloudOffers: sampleOffers(),
  };
}

function sampleOffers(): CloudOffer[] {
  return bundledCloudOffers({
    region: "us-west-2",
    os: "linux",
    instanceTypes: ["c6i.8xlarge", "c7i.8xlarge", "m6i.8xlarge", "g5.2xlarge", "g5.4xlarge"],
    // Reference node = a 32-vCPU CPU box; one A10G is about one A40 slot for these jobs.
    speed: (_type, caps) => ({ "render-cpu": caps.vcpu / 32, sim: caps.memoryGiB >= 256 ? caps.vcpu / 32 : 0.5, "render-gpu": caps.gpuCount > 0 ? 1 : 0.1, comp: 1 }),
  });
}

function node(id: string, now: number, capabilities: FarmNode["capabilities"], tags: string[], speed: Record<string, number>, leases: FarmNode["leases"] = []): FarmNode {
  const busyW = capabilities.gpuCount > 0 ? 900 : 450;
  return { id, pool: "onprem", status: "ready", capabilities, tags, speed, slots: 1, powerIdleW: 120, powerBusyW: busyW, leases, blocklist: [], ...(leases.length === 0 ? { idleSince: now - 30 * 60_000 } : {}) };
}

/** The first CPU boxes are already rendering the lighting job. */
function busy(i: number, now: number): FarmNode["leases"] {
  const startedAt = now - (i % 5) * 3 * 60_000;
  return [{ taskId: `neb-sq040-lighting:render:${200 + i}`, jobId: "neb-sq040-lighting", stepName: "render", taskIndex: 200 + i, startedAt, expiresAt: now + 120_000, expectedEndAt: startedAt + 900_000 }];
}

function step(name: string, kind: string, tasks: number, secondsPerTask: number, requirements: Step["requirements"], role: Step["role"] = "final"): Step {
  return { name, dependsOn: role === "final" && name === "final" ? ["preview"] : [], kind, role, taskCount: tasks, framesPerTask: 1, pending: [{ from: 0, to: tasks - 1 }], runningTasks: 0, doneTasks: 0, secondsPerFrame: secondsPerTask, runtimeSpread: 0.25, requirements };
}

function job(id: string, clientId: string, now: number, dueIn: number | null, priority: number, steps: Step[], o: Partial<Pick<Job, "energyIntensive" | "dependsOn">> & { previewFirst?: boolean; approval?: Job["preview"]["approval"] }): Job {
  if (id === "neb-sq040-lighting") {
    // 14 of its tasks are running (see `busy`), 60 are done.
    steps[0] = { ...steps[0]!, pending: [{ from: 60, to: 199 }, { from: 214, to: 239 }], runningTasks: 14, doneTasks: 60 };
  }
  return {
    id, clientId, name: id, priority, submittedAt: now - 2 * H, deadlineAt: dueIn === null ? null : now + dueIn, steps,
    dependsOn: o.dependsOn ?? [], energyIntensive: o.energyIntensive ?? false,
    preview: { previewFirst: o.previewFirst ?? false, approval: o.approval ?? "not-required" }, errorCount: 0, cloudAllowed: true,
  };
}

const range = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));
const pad = (i: number) => String(i).padStart(2, "0");
