/**
 * What the use cases return: plain JSON-able views (ISO times), so the HTTP layer maps them
 * straight to responses.
 */
import type { JobOutcome } from "../planner/index.ts";
import type { AuditEvent, ClientRecord, DesiredStatus, JobStatus, NodeRecord, TaskParams, UsageDay } from "./model.ts";

export interface JobProgress {
  tasks: number;
  done: number;
  running: number;
  pending: number;
  failed: number;
  /** done ÷ tasks, 0..1 */
  fraction: number;
}

export interface JobView {
  id: string;
  clientId: string;
  name: string;
  status: JobStatus;
  priority: number;
  submittedAt: string;
  deadline: string | null;
  finishedAt: string | null;
  suspended: boolean;
  cloudAllowed: boolean;
  energyIntensive: boolean;
  dependsOn: string[];
  preview: { previewFirst: boolean; approval: "not-required" | "pending" | "approved"; lowQualityPass: { everyNth: number; quality: number } | null };
  progress: JobProgress;
  steps: { name: string; kind: string; role: "final" | "preview"; dependsOn: string[]; progress: JobProgress }[];
  /** Will it meet its deadline? From the last plan; null when unknown (no plan yet or no deadline). */
  outlook: { meetsDeadline: boolean | null; projectedFinish: string | null; slackSec: number | null; atRisk: boolean };
  /** Why it is (not) running, from the last plan's JobDecision. */
  why: { outcome: JobOutcome | "canceled"; reason: string; rank: number; planAt: string } | null;
  version: number;
}

export interface Assignment {
  taskId: string;
  jobId: string;
  stepName: string;
  taskIndex: number;
  token: string;
  kind: string;
  /** Frames this task renders (native jobs), or null. */
  frames: number[] | null;
  /** OpenJD task parameters, or null. */
  params: TaskParams | null;
  /** Low-quality preview pass: render at this quality (0..1). */
  quality: number | null;
  /** Start after the current task (pre-assignment). */
  queued: boolean;
  leaseExpiresAt: string;
  estimatedSec: number;
}

export interface PollReply {
  assignments: Assignment[];
  /** Stop these now (job canceled, lease lost or reassigned). */
  cancel: { taskId: string; token: string; reason: string }[];
  /** Results of the terminal states reported in this poll. */
  /** `retry`: not recorded yet (storage busy) — report it again in the next poll. */
  acknowledged: { taskId: string; token: string; outcome: "accepted" | "duplicate" | "stale" | "retry" }[];
  nextPollSec: number;
  desiredStatus: DesiredStatus;
  leaseSec: number;
}

export type NodeView = Omit<NodeRecord, "version"> & { lastSeenAgeSec: number; running: number };
export type ClientView = Omit<ClientRecord, "version">;
export type { AuditEvent, UsageDay };

export interface FarmSummary {
  at: string;
  nodes: { total: number; ready: number; busy: number; draining: number; disabled: number; offline: number; cloud: number };
  /** Busy slots ÷ usable slots (ready/draining nodes). */
  utilization: number;
  jobs: { active: number; queued: number; running: number; suspended: number };
  deadlinesAtRisk: { jobId: string; clientId: string; name: string; deadline: string | null; reason: string }[];
  /** Usage summed over clients for today (UTC). */
  costsToday: { cloudCost: number; energyCost: number; energyKWh: number; cloudNodeHours: number; onpremNodeHours: number };
  pendingBurst: number;
  lastPlanAt: string | null;
  /** Live cloud nodes (launched, not terminated) against the farm's ceiling; a null limit: none configured. */
  cloud: { livePerHour: number; liveInstances: number; limits: { maxSpendPerHour: number | null; maxInstances: number | null } };
}
