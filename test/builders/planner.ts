/**
 * Fixture builders for planner inputs, so tests read as sentences:
 *   aJob("j1").forClient("A").due(t0 + 3600_000).frames(100).build()
 */
import type {
  Client,
  CloudOffer,
  FarmNode,
  Job,
  Lease,
  Requirements,
  Snapshot,
  Step,
  Tariff,
} from "../../lib/planner/types.ts";

export const T0 = Date.UTC(2026, 10, 23, 8, 0, 0); // a Monday, 08:00 UTC
export const HOUR = 3600_000;
export const MIN = 60_000;

class JobBuilder {
  private job: Job;
  constructor(id: string) {
    this.job = {
      id,
      clientId: "A",
      name: id,
      priority: 50,
      submittedAt: T0 - MIN,
      deadlineAt: null,
      steps: [aStep("render").build()],
      dependsOn: [],
      energyIntensive: false,
      preview: { previewFirst: false, approval: "not-required" },
      errorCount: 0,
      cloudAllowed: true,
    };
  }
  forClient(clientId: string) { this.job.clientId = clientId; return this; }
  priority(p: number) { this.job.priority = p; return this; }
  due(at: number | null) { this.job.deadlineAt = at; return this; }
  submitted(at: number) { this.job.submittedAt = at; return this; }
  dependsOn(...ids: string[]) { this.job.dependsOn = ids; return this; }
  energyIntensive(v = true) { this.job.energyIntensive = v; return this; }
  previewFirst(v = true) { this.job.preview = { ...this.job.preview, previewFirst: v }; return this; }
  approval(state: Job["preview"]["approval"]) { this.job.preview = { ...this.job.preview, approval: state }; return this; }
  errors(n: number) { this.job.errorCount = n; return this; }
  noCloud() { this.job.cloudAllowed = false; return this; }
  suspended(v = true) { this.job.suspended = v; return this; }
  steps(...steps: (Step | StepBuilder)[]) {
    this.job.steps = steps.map((s) => (s instanceof StepBuilder ? s.build() : s));
    return this;
  }
  /** Shorthand for the single step: `tasks` tasks of `secondsPerTask` each. */
  tasks(count: number, secondsPerTask = 600) {
    const s = this.job.steps[0]!;
    this.job.steps[0] = { ...s, taskCount: count, pending: count > 0 ? [{ from: 0, to: count - 1 }] : [], framesPerTask: 1, secondsPerFrame: secondsPerTask };
    return this;
  }
  kind(kind: string) { this.job.steps = this.job.steps.map((s) => ({ ...s, kind })); return this; }
  requires(req: Requirements) { this.job.steps = this.job.steps.map((s) => ({ ...s, requirements: req })); return this; }
  build(): Job { return structuredClone(this.job); }
}

class StepBuilder {
  private step: Step;
  constructor(name: string) {
    this.step = {
      name,
      dependsOn: [],
      kind: "render-cpu",
      role: "final",
      taskCount: 10,
      framesPerTask: 1,
      pending: [{ from: 0, to: 9 }],
      runningTasks: 0,
      doneTasks: 0,
      secondsPerFrame: 600,
      runtimeSpread: 0.2,
      requirements: {},
    };
  }
  kind(kind: string) { this.step.kind = kind; return this; }
  role(role: Step["role"]) { this.step.role = role; return this; }
  after(...steps: string[]) { this.step.dependsOn = steps; return this; }
  tasks(count: number, secondsPerTask = 600, framesPerTask = 1) {
    Object.assign(this.step, { taskCount: count, framesPerTask, secondsPerFrame: secondsPerTask / framesPerTask, pending: count > 0 ? [{ from: 0, to: count - 1 }] : [] });
    return this;
  }
  pending(...ranges: [number, number][]) { this.step.pending = ranges.map(([from, to]) => ({ from, to })); return this; }
  running(n: number) { this.step.runningTasks = n; return this; }
  done(n: number) { this.step.doneTasks = n; return this; }
  spread(cv: number) { this.step.runtimeSpread = cv; return this; }
  /** `tasks` finished tasks measured at `meanSec` reference seconds each on average, with spread `cv`. */
  measured(tasks: number, meanSec: number, cv = this.step.runtimeSpread) {
    this.step.measured = { tasks, refSec: tasks * meanSec, refSecSq: tasks * meanSec * meanSec * (1 + cv * cv) };
    return this;
  }
  requires(req: Requirements) { this.step.requirements = req; return this; }
  failed(attempts: Record<number, number>) { this.step.failedAttempts = attempts; return this; }
  checkpointable(v = true) { this.step.checkpointable = v; return this; }
  build(): Step { return structuredClone(this.step); }
}

class NodeBuilder {
  private node: FarmNode;
  constructor(id: string) {
    this.node = {
      id,
      pool: "onprem",
      status: "ready",
      capabilities: { vcpu: 32, memoryGiB: 128, gpuCount: 0, os: "linux", cpuArch: "x86_64" },
      tags: [],
      speed: {},
      slots: 1,
      powerIdleW: 120,
      powerBusyW: 450,
      leases: [],
      blocklist: [],
      idleSince: T0 - HOUR,
    };
  }
  gpu(count: number, model = "A40", memoryGiB = 48) {
    this.node.capabilities = { ...this.node.capabilities, gpuCount: count, gpuModel: model, gpuMemoryGiB: memoryGiB };
    return this;
  }
  cores(vcpu: number, memoryGiB = this.node.capabilities.memoryGiB) {
    this.node.capabilities = { ...this.node.capabilities, vcpu, memoryGiB };
    return this;
  }
  os(os: FarmNode["capabilities"]["os"]) { this.node.capabilities = { ...this.node.capabilities, os }; return this; }
  tags(...tags: string[]) { this.node.tags = tags; return this; }
  speed(kind: string, s: number) { this.node.speed = { ...this.node.speed, [kind]: s }; return this; }
  slots(n: number) { this.node.slots = n; return this; }
  status(s: FarmNode["status"]) { this.node.status = s; return this; }
  power(idleW: number, busyW: number) { this.node.powerIdleW = idleW; this.node.powerBusyW = busyW; return this; }
  idleSince(at: number | undefined) { this.node.idleSince = at; return this; }
  blocklist(...jobIds: string[]) { this.node.blocklist = jobIds; return this; }
  failures(byJob: Record<string, number>) { this.node.failuresByJob = byJob; return this; }
  running(lease: Partial<Lease> & { jobId: string }) {
    const l: Lease = {
      taskId: `${lease.jobId}:${lease.stepName ?? "render"}:${lease.taskIndex ?? 0}`,
      stepName: "render",
      taskIndex: 0,
      startedAt: T0 - 5 * MIN,
      expiresAt: T0 + 2 * MIN,
      expectedEndAt: T0 + 5 * MIN,
      ...lease,
    };
    this.node.leases = [...this.node.leases, l];
    this.node.idleSince = undefined;
    return this;
  }
  cloud(instanceType: string, market: "spot" | "on-demand", pricePerHour: number, clientId?: string) {
    Object.assign(this.node, { pool: "cloud", instanceType, market, pricePerHour, clientId });
    return this;
  }
  /** A rented node that has run no task yet (just booted). */
  awaitingFirstTask() { this.node.awaitingFirstTask = true; return this; }
  build(): FarmNode { return structuredClone(this.node); }
}

export const aJob = (id: string) => new JobBuilder(id);
export const aStep = (name: string) => new StepBuilder(name);
export const aNode = (id: string) => new NodeBuilder(id);

export function aClient(id: string, over: Partial<Client> = {}): Client {
  return { id, name: id, guaranteedShare: 0, maxShare: 1, cloudAllowed: true, cloudBudgetLeft: 10_000, ...over };
}

export function nodes(prefix: string, count: number, shape: (b: NodeBuilder) => NodeBuilder = (b) => b): FarmNode[] {
  return Array.from({ length: count }, (_, i) => shape(aNode(`${prefix}${String(i).padStart(3, "0")}`)).build());
}

export function anOffer(instanceType: string, over: Partial<CloudOffer> = {}): CloudOffer {
  return {
    instanceType,
    capabilities: { vcpu: 32, memoryGiB: 128, gpuCount: 0, os: "linux", cpuArch: "x86_64" },
    speed: {},
    spotPricePerHour: 0.6,
    onDemandPricePerHour: 1.6,
    bootSec: 300,
    spotInterruptionPerHour: 0.02,
    maxInstances: 500,
    ...over,
  };
}

/** Flat price, or a day curve: `prices[h]` for hour h (UTC) of every day, starting at T0's midnight. */
export function aTariff(prices: number[] | number, days = 3): Tariff {
  const curve = typeof prices === "number" ? Array(24).fill(prices) : prices;
  const midnight = T0 - (T0 % (24 * HOUR));
  const slots = [];
  for (let d = 0; d < days; d++) {
    for (let h = 0; h < 24; h++) {
      const startAt = midnight + (d * 24 + h) * HOUR;
      slots.push({ startAt, endAt: startAt + HOUR, pricePerKWh: curve[h % curve.length]! });
    }
  }
  return { currency: "USD", slots, defaultPricePerKWh: curve[0]! };
}

export function aSnapshot(over: Partial<Snapshot> = {}): Snapshot {
  return {
    jobs: [],
    nodes: [],
    clients: [aClient("A"), aClient("B")],
    tariff: null,
    cloudOffers: [],
    ...over,
  };
}
