/**
 * Domain records the service stores. Times are epoch ms (`...At`), durations seconds, as in
 * the planner contract. A job is a small header record plus its task state in bounded shards
 * (ShardRecord, see tasks/shard-book.ts and lib/adapters/aws/table-design.md); a JobRecord read
 * from the store carries both, with each step's ranges and leases assembled from its shards.
 */
import type {
  BurstRequest, Client, CloudOffer, IndexRange, JobDecision, MeasuredRuntimes, NodeAction,
  Policy, PreviewSettings, Requirements, StepRole, Tariff,
} from "../planner/index.ts";
import type { FrameRange } from "./frames.ts";
import type { ParameterSpace } from "../openjd/index.ts";

export type JobStatus = "queued" | "running" | "suspended" | "done" | "failed" | "canceled";
export const activeStatuses: readonly JobStatus[] = ["queued", "running", "suspended"];
export const isActive = (s: JobStatus): boolean => activeStatuses.includes(s);

/** One attempt of one task on one node. The token is what the agent must present. */
export interface LeaseRecord {
  taskIndex: number;
  nodeId: string;
  token: string;
  attempt: number;
  grantedAt: number;
  /** Lapses unless the node keeps polling (renewal is recorded on the node, see lease-book.ts). */
  expiresAt: number;
  expectedEndAt: number;
  /** Pre-assigned behind the node's current task. */
  queued: boolean;
}

export interface StepRecord {
  name: string;
  dependsOn: string[];
  kind: string;
  role: StepRole;
  taskCount: number;
  framesPerTask: number;
  /** Frames: task i covers frameList[i*framesPerTask ..] when tasks are frame chunks. */
  frames: FrameRange[] | null;
  /** OpenJD steps: the compact parameter space; task i's parameters are `taskAt(space, i)`. */
  parameterSpace: ParameterSpace | null;
  secondsPerFrame: number;
  runtimeSpread: number;
  requirements: Requirements;
  checkpointable: boolean;
  /** Preview pass quality (0..1) when this step is a low-quality preview of another step. */
  previewQuality?: number;
  pending: IndexRange[];
  leases: LeaseRecord[];
  done: IndexRange[];
  /** Out of retries: will not run again. */
  exhausted: IndexRange[];
  /** index → failed attempts (only for tasks that failed at least once). */
  failedAttempts: Record<string, number>;
  /** What the step's succeeded tasks measured, summed over its shards (ShardRecord.measured). */
  measured?: MeasuredRuntimes;
}

/** A lease inside a shard, keyed by its token. */
export interface ShardLease {
  i: number;
  node: string;
  attempt: number;
  grantedAt: number;
  expiresAt: number;
  expectedEndAt: number;
  queued: boolean;
  /**
   * The node's learned speed for the step's kind when the lease was granted — the speed this
   * attempt was planned at; its elapsed seconds × this are its reference seconds (foldShard).
   * Absent on leases granted before it was recorded: such an attempt is not measured.
   */
  speed?: number;
}

/** What an agent reported about one attempt; folded into the shard by the planner. */
export interface SettleReport {
  outcome: "succeeded" | "failed" | "interrupted";
  /** When the report landed. */
  at: number;
  startedAt?: number;
  endedAt?: number;
  message?: string;
  /** The agent's request, for the audit event written when the report is folded. */
  requestId?: string;
}

/** One bounded slice of a step's tasks (tasks/shard-book.ts). */
export interface ShardRecord {
  jobId: string;
  clientId: string;
  /** The job's, so the shard sorts right after its header in the planner's query. */
  submittedAt: number;
  /** Position of the step in the job (stable: steps never change after submit). */
  step: number;
  stepName: string;
  no: number;
  /** Task indexes from .. from+count-1. */
  from: number;
  count: number;
  kind: string;
  /** secondsPerFrame × framesPerTask: a task's work at speed 1 (for learning node speed). */
  taskSec: number;
  /** One character per task: p pending, l leased, d done, x exhausted. */
  state: string;
  leases: Record<string, ShardLease>;
  settled: Record<string, SettleReport>;
  failed: Record<string, number>;
  recent: string[];
  /** The shard's succeeded attempts in reference seconds (three numbers), added by the fold that makes them done. */
  measured?: MeasuredRuntimes;
  /** 0 = never written (all pending). Only the planner bumps it. */
  version: number;
}

export interface JobPreview extends PreviewSettings {
  lowQualityPass: { everyNth: number; quality: number } | null;
}

export interface JobRecord {
  id: string;
  clientId: string;
  name: string;
  priority: number;
  submittedAt: number;
  deadlineAt: number | null;
  status: JobStatus;
  steps: StepRecord[];
  dependsOn: string[];
  energyIntensive: boolean;
  preview: JobPreview;
  errorCount: number;
  cloudAllowed: boolean;
  suspended: boolean;
  source: "native" | "openjd";
  idempotencyKey: string | null;
  /** Hash of the submitted body, so a reused idempotency key with another body is a conflict. */
  requestHash: string;
  finishedAt: number | null;
  /** What the capacity use case last did about this job's cloud request (shown with the plan's "why"). */
  capacityNote?: { at: number; reason: string };
  /** Bumped on every write of the header; conditional writes check it. */
  version: number;
  /** The stored task shards (read-only view; the planner writes them through TaskStore). */
  shards?: ShardRecord[];
}

export type { CloudLaunch, DesiredStatus, HeldTask, InboxEntry, NodeRecord, RegistrationSecretRecord } from "./node-model.ts";

export interface ClientRecord extends Client {
  createdAt: number;
  /** Cloud budget per month, for display; `cloudBudgetLeft` is what the planner spends from. */
  cloudBudgetPerMonth: number;
  version: number;
}

export interface AuditEvent {
  id: string;
  at: number;
  actor: string;
  actorKind: "client" | "operator" | "agent" | "system";
  /** Whose record this is (null for farm-wide actions, e.g. a node drain). */
  clientId: string | null;
  action: string;
  target: { type: "job" | "client" | "node" | "task" | "plan"; id: string };
  before?: unknown;
  after?: unknown;
  requestId: string | null;
}

export interface UsageDelta {
  onpremNodeHours: number;
  cloudNodeHours: number;
  cloudCost: number;
  energyKWh: number;
  energyCost: number;
  tasks: number;
}

export interface UsageDay extends UsageDelta {
  clientId: string;
  day: string; // YYYY-MM-DD (UTC)
}

export interface PlanRecord {
  at: number;
  decisions: JobDecision[];
  burst: BurstRequest[];
  nodeActions: NodeAction[];
  warnings: string[];
  assignmentsWritten: number;
  assignmentsSkipped: number;
}

/** Farm-wide inputs the planner needs beside jobs, nodes and clients. */
export interface FarmSettings {
  tariff: Tariff | null;
  cloudOffers: CloudOffer[];
  policy: Policy;
}

/** A task's parameters when a step came from an OpenJD template. */
export type TaskParams = Record<string, string | number>;

export const emptyUsage = (): UsageDelta => ({ onpremNodeHours: 0, cloudNodeHours: 0, cloudCost: 0, energyKWh: 0, energyCost: 0, tasks: 0 });
