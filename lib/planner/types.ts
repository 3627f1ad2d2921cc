/**
 * The planner's contract: what it reads (Snapshot, Policy, now) and, re-exported from
 * plan-types.ts, what it returns (Plan).
 *
 * Units, everywhere in the planner:
 * - instants are epoch milliseconds, named `...At` (`deadlineAt`, `submittedAt`);
 * - durations are seconds, named `...Sec` or `secondsPer...`;
 * - money is in the farm's currency (USD by default), energy in kWh, power in W.
 *
 * Work is described by aggregates: a step holds ranges of pending task indices, never one
 * object per frame. A task is one chunk of `framesPerTask` consecutive frames of a step.
 */

/** Inclusive range of task indices `[from, to]` within a step. */
export interface IndexRange {
  from: number;
  to: number;
}

export type OsFamily = "linux" | "windows" | "macos";

/** Hard requirements, OpenJD-style. Every field is optional; absent means "any". */
export interface Requirements {
  os?: OsFamily[];
  minVcpu?: number;
  minMemoryGiB?: number;
  minGpuCount?: number;
  minGpuMemoryGiB?: number;
  gpuModels?: string[];
  cpuArch?: string[];
  /** OpenJD `amount.*` capabilities, e.g. `{"amount.worker.disk.scratch": {min: 100}}`. */
  amounts?: Record<string, { min?: number; max?: number }>;
  /** OpenJD `attr.*` capabilities: node must have at least one of `anyOf` (or all of `allOf`). */
  attributes?: Record<string, { anyOf?: string[]; allOf?: string[] }>;
}

export type StepRole = "final" | "preview";

/** One step of a job (an OpenJD step). Most jobs have exactly one. */
export interface Step {
  name: string;
  /** Steps of the same job that must finish first (a DAG; cycles are rejected). */
  dependsOn: string[];
  /** Job kind used for affinity and measured speed, e.g. "render-cpu", "render-gpu", "sim", "comp". */
  kind: string;
  role: StepRole;
  taskCount: number;
  framesPerTask: number;
  /** Tasks not yet done, not running and not exhausted (by index). Sorted, disjoint. */
  pending: IndexRange[];
  /** Tasks currently leased (running somewhere). */
  runningTasks: number;
  doneTasks: number;
  /** Estimated seconds per frame on a node of speed 1.0 for this kind. */
  secondsPerFrame: number;
  /** Coefficient of variation of the runtime estimate (0.3 = ±30%). */
  runtimeSpread: number;
  /** What finished tasks measured (absent: nothing reported); a mean clearly above the estimate corrects the LP's work for the step upward (lp/evidence.ts). */
  measured?: MeasuredRuntimes;
  requirements: Requirements;
  /** Attempts so far, only for tasks that have failed at least once (index → attempts). */
  failedAttempts?: Record<number, number>;
  /** A running task of this step can be checkpointed and resumed elsewhere. */
  checkpointable?: boolean;
}

/** Runtimes of a step's finished tasks, in reference seconds (elapsed × the node's speed for the kind, over the fraction of the task it ran). */
export interface MeasuredRuntimes {
  tasks: number;
  /** Sum of the tasks' reference seconds. */
  refSec: number;
  /** Sum of their squares (the measured spread). */
  refSecSq: number;
}

export type ApprovalState = "not-required" | "pending" | "approved";

export interface PreviewSettings {
  /** Order pending tasks first, last, middle, then by bisection. */
  previewFirst: boolean;
  /** Finals (role "final") are held until a person approves the preview. */
  approval: ApprovalState;
}

export interface Job {
  id: string;
  clientId: string;
  name: string;
  /** 0..100, default 50. Breaks ties within a slack tier; policy decides how far it may override slack. */
  priority: number;
  submittedAt: number;
  /** Delivery deadline; null means best effort. */
  deadlineAt: number | null;
  steps: Step[];
  /** Other jobs that must finish first. The service drops done ones; unknown ids wait. */
  dependsOn: string[];
  /** Prerequisites that ended without finishing (canceled or failed): the job is blocked, it will not start. */
  blockedBy?: { jobId: string; status: "canceled" | "failed" }[];
  /** Worth moving into cheaper tariff hours when slack allows. */
  energyIntensive: boolean;
  preview: PreviewSettings;
  /** Errors so far across all tasks (the job fails at policy.errorLimitPerJob). */
  errorCount: number;
  /** May this job run on rented cloud nodes (also needs the client to allow it). */
  cloudAllowed: boolean;
  suspended?: boolean;
}

export interface Capabilities {
  vcpu: number;
  memoryGiB: number;
  gpuCount: number;
  gpuModel?: string;
  gpuMemoryGiB?: number;
  os: OsFamily;
  cpuArch: string;
  /** Extra OpenJD amounts, e.g. `amount.worker.disk.scratch`. */
  amounts?: Record<string, number>;
  /** Extra OpenJD attributes, e.g. `attr.worker.license.houdini: ["yes"]`. */
  attributes?: Record<string, string[]>;
}

export interface Lease {
  taskId: string;
  jobId: string;
  stepName: string;
  taskIndex: number;
  startedAt: number;
  /** When the lease lapses unless renewed by the agent's poll. */
  expiresAt: number;
  /** Expected completion from the estimate, for pre-assignment and capacity. */
  expectedEndAt: number;
}

export type NodeStatus = "ready" | "booting" | "draining" | "asleep" | "offline" | "disabled";

export interface FarmNode {
  id: string;
  pool: "onprem" | "cloud";
  status: NodeStatus;
  capabilities: Capabilities;
  tags: string[];
  /** Measured throughput per job kind relative to the reference node (1.0). Missing kind: 1.0. */
  speed: Record<string, number>;
  /** Concurrent tasks this node runs (usually 1). */
  slots: number;
  powerIdleW: number;
  powerBusyW: number;
  leases: Lease[];
  /** Jobs this node must not run (explicit, or after repeated failures). */
  blocklist: string[];
  /** Failures of this node per job, for automatic blocklisting. */
  failuresByJob?: Record<string, number>;
  /** Since when the node has had no lease (for power-down and cloud release). */
  idleSince?: number;
  /** Cloud only. */
  instanceType?: string;
  market?: "spot" | "on-demand";
  pricePerHour?: number;
  /** Cloud node rented for one client's work (billing, budget). */
  clientId?: string;
  /**
   * Cloud only: rented and not yet given a task (booting, or ready with no task started). Its
   * boot is paid for and has bought nothing yet; surplus release waits for its first task.
   */
  awaitingFirstTask?: boolean;
  /** Booting nodes: when they are expected to be ready. */
  readyAt?: number;
  /** At elevated risk of losing its work (a spot rebalance recommendation): no task longer than this, seconds. */
  maxTaskSec?: number;
}

export interface Client {
  id: string;
  name: string;
  /** Fraction (0..1) of on-prem slots this client is guaranteed when it has demand. */
  guaranteedShare: number;
  /** Fraction (0..1) of on-prem slots this client may use at most, borrowing included. */
  maxShare: number;
  cloudAllowed: boolean;
  /** Money left for cloud this period. */
  cloudBudgetLeft: number;
}

/** Piecewise-constant energy price: `[startAt, endAt)` costs `pricePerKWh`. */
export interface PriceSlot {
  startAt: number;
  endAt: number;
  pricePerKWh: number;
}

export interface Tariff {
  currency: string;
  /** Sorted, non-overlapping slots covering at least the planning horizon. */
  slots: PriceSlot[];
  /** Price outside the known slots. */
  defaultPricePerKWh: number;
}

export interface CloudOffer {
  instanceType: string;
  capabilities: Capabilities;
  /** Throughput per kind relative to the reference node. Missing kind: 1.0. */
  speed: Record<string, number>;
  spotPricePerHour: number;
  onDemandPricePerHour: number;
  /** Seconds from request to a node that can take work (boot + asset sync). */
  bootSec: number;
  /** Probability that a spot instance is interrupted within an hour. */
  spotInterruptionPerHour: number;
  /** Most instances of this type the account may hold at once. */
  maxInstances: number;
}

export interface Snapshot {
  jobs: Job[];
  nodes: FarmNode[];
  clients: Client[];
  tariff: Tariff | null;
  cloudOffers: CloudOffer[];
  /** Cloud requests already made and not yet fulfilled (so a plan does not ask twice). */
  pendingBurst?: { instanceType: string; market: "spot" | "on-demand"; count: number; clientId: string }[];
  /** The farm's cloud ceiling: spend per hour and instances held at once (absent: no ceiling). */
  cloudLimits?: CloudLimits;
}

export interface CloudLimits {
  /** Most the farm may spend on rented nodes per hour, USD (running and requested together). */
  maxSpendPerHour?: number;
  /** Most rented instances the farm may hold at once, all types and clients together. */
  maxInstances?: number;
}

export interface Policy {
  /** Runtime spread to safety margin: margin = sigma × spread × work / parallelism. */
  safetySigma: number;
  /** Slack below which a job is urgent (tier 0), seconds. */
  urgentSlackSec: number;
  /** Seconds of slack that one priority point is worth when ordering. */
  priorityWeightSec: number;
  /** Lease length granted to an agent, seconds. */
  leaseSec: number;
  /** Pre-assign the next task to nodes whose current task ends within this many seconds. */
  preassignWithinSec: number;
  tariff: {
    enabled: boolean;
    /** Defer only if the cheaper window saves at least this fraction. */
    minSaving: number;
    /** How far ahead to look for cheaper hours, seconds. */
    lookaheadSec: number;
    /** Power down idle on-prem nodes when no work is due within this many seconds (0 = never). */
    powerDownIdleSec: number;
  };
  burst: {
    enabled: boolean;
    /** Release a cloud node idle this long, seconds. */
    idleReleaseSec: number;
    /** Extra seconds a spot job must be able to lose (2-minute notice + requeue). */
    interruptionLossSec: number;
    /** Checkpoint interval assumed for checkpointable work, seconds. */
    checkpointIntervalSec: number;
  };
  /**
   * Guarantees in the LP's dispatch (lp/guarantee-rule.ts): a client below its guaranteed share gets
   * free eligible on-prem slots before a client above its own share gets more. "before-tariff": its work
   * the LP defers for a cheaper hour counts and runs too, asleep nodes wake for it and, where no client may
   * rent, it takes slots the energy rules would leave idle and the LP's guarantee rows count as the simulator
   * does, priced above energy (guarantees ≫ the energy saving); "beside-tariff" (the default): deferred work
   * stays deferred and nodes the LP keeps asleep for a cheaper hour stay asleep (energy ≫ guarantees, as the
   * LP's objective and issue 14's order); "off": the LP's soft guarantee
   * rows only. On a farm where any client may rent (cloud ≫ guarantees), deadline work yields only into
   * room the LP's plan leaves idle, and a fresh job's first task passes the guard (lp/guarantee-rule.ts).
   */
  guaranteeRule?: "off" | "before-tariff" | "beside-tariff";
  failures: {
    retriesPerTask: number;
    errorsPerJob: number;
    blocklistAfter: number;
  };
}

export type * from "./plan-types.ts";
