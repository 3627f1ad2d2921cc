/** Tiny hand-checkable scenarios for the simulator tests (not a test file). */
import { anOffer, aTariff, HOUR, T0 } from "../../builders/planner.ts";
import type { Client, CloudOffer, Job } from "../../../lib/planner/index.ts";
import type { Scenario, SimJobSpec, SimNodeSpec } from "../../../lib/sim/index.ts";

export { HOUR, T0 };

export function node(id: string, over: Partial<SimNodeSpec> = {}): SimNodeSpec {
  return {
    id, capabilities: { vcpu: 32, memoryGiB: 128, gpuCount: 0, os: "linux", cpuArch: "x86_64" }, tags: [], speed: {},
    slots: 1, powerIdleW: 100, powerBusyW: 500, ...over,
  };
}

export function gpuNode(id: string, over: Partial<SimNodeSpec> = {}): SimNodeSpec {
  return node(id, { capabilities: { vcpu: 16, memoryGiB: 64, gpuCount: 1, gpuModel: "A40", gpuMemoryGiB: 48, os: "linux", cpuArch: "x86_64" }, ...over });
}

export function client(id: string, over: Partial<Client> = {}): Client {
  return { id, name: id, guaranteedShare: 0, maxShare: 1, cloudAllowed: false, cloudBudgetLeft: 0, ...over };
}

export interface TinyJob {
  id: string;
  client?: string;
  tasks: number;
  taskSec: number;
  submitAt?: number;
  due?: number | null;
  priority?: number;
  kind?: string;
  gpu?: boolean;
  cloud?: boolean;
  spread?: number;
  dependsOn?: string[];
  checkpointable?: boolean;
}

export function job(j: TinyJob): SimJobSpec {
  const submitAt = j.submitAt ?? T0;
  const spec: Job = {
    id: j.id, clientId: j.client ?? "A", name: j.id, priority: j.priority ?? 50, submittedAt: submitAt, deadlineAt: j.due ?? null,
    steps: [{
      name: "render", dependsOn: [], kind: j.kind ?? "render-cpu", role: "final", taskCount: j.tasks, framesPerTask: 1,
      pending: [{ from: 0, to: j.tasks - 1 }], runningTasks: 0, doneTasks: 0, secondsPerFrame: j.taskSec,
      runtimeSpread: j.spread ?? 0, requirements: j.gpu ? { minGpuCount: 1 } : {}, ...(j.checkpointable ? { checkpointable: true } : {}),
    }],
    dependsOn: j.dependsOn ?? [], energyIntensive: false, preview: { previewFirst: false, approval: "not-required" },
    errorCount: 0, cloudAllowed: j.cloud ?? false,
  };
  return { job: spec, submitAt };
}

export function offer(over: Partial<CloudOffer> = {}): CloudOffer {
  return anOffer("c.test", { spotPricePerHour: 0.5, onDemandPricePerHour: 1, bootSec: 600, spotInterruptionPerHour: 0, maxInstances: 10, ...over });
}

export function scenario(over: Partial<Scenario> & Pick<Scenario, "jobs" | "nodes">): Scenario {
  return {
    name: "tiny", description: "tiny", seed: 7, startAt: T0, endAt: T0 + 12 * HOUR, clients: [client("A"), client("B")],
    cloudOffers: [], tariff: aTariff(0.2), events: [],
    faults: { frameErrorRate: 0, corruptOutputRate: 0, nodeCrashPerHour: 0, crashDownSec: 0 },
    planIntervalSec: 60, replanDelaySec: 5, ...over,
  };
}
