/**
 * The frame grid of one job: per step, which tasks are done, running (on which node), pending
 * or failed, which frames each task covers, and which tasks are preview frames. Ranges, not a
 * row per task, so a 10,000-frame job is a few hundred bytes.
 */
import { taskOrder } from "../../planner/preview/order.ts";
import type { IndexRange, StepRole } from "../../planner/index.ts";
import type { Actor } from "../actor.ts";
import type { FrameRange } from "../frames.ts";
import { loadJobFor } from "../load-job.ts";
import type { JobRecord, StepRecord } from "../model.ts";
import type { ServiceDeps } from "../ports.ts";
import { fullRange } from "../ranges.ts";

/** Preview-first marks the shape frames: first, last, middle. */
const previewShapeFrames = 3;

export interface StepTasksView {
  name: string;
  role: StepRole;
  kind: string;
  taskCount: number;
  framesPerTask: number;
  frames: FrameRange[] | null;
  done: IndexRange[];
  pending: IndexRange[];
  failed: IndexRange[];
  running: { taskIndex: number; nodeId: string; queued: boolean; grantedAt: string; expectedEndAt: string }[];
  failedAttempts: Record<string, number>;
  /** Task indexes rendered first as the shot's preview (a preview-role step: all of them). */
  previewTasks: number[];
}

export interface JobTasksView {
  jobId: string;
  steps: StepTasksView[];
}

export async function getJobTasks(deps: ServiceDeps, input: { jobId: string }, actor: Actor): Promise<JobTasksView> {
  const job = await loadJobFor(deps, input.jobId, actor);
  return { jobId: job.id, steps: job.steps.map((s) => stepTasks(job, s)) };
}

function stepTasks(job: JobRecord, s: StepRecord): StepTasksView {
  const iso = (t: number) => new Date(t).toISOString();
  return {
    name: s.name, role: s.role, kind: s.kind, taskCount: s.taskCount, framesPerTask: s.framesPerTask, frames: s.frames,
    done: s.done, pending: s.pending, failed: s.exhausted,
    running: s.leases.map((l) => ({ taskIndex: l.taskIndex, nodeId: l.nodeId, queued: l.queued, grantedAt: iso(l.grantedAt), expectedEndAt: iso(l.expectedEndAt) })),
    failedAttempts: s.failedAttempts,
    previewTasks: previewTasks(job, s),
  };
}

export function previewTasks(job: JobRecord, s: StepRecord): number[] {
  if (s.role === "preview") return s.taskCount <= 10_000 ? [...Array(s.taskCount).keys()] : [];
  if (!job.preview.previewFirst) return [];
  const out: number[] = [];
  for (const i of taskOrder(fullRange(s.taskCount), s.taskCount, true)) {
    out.push(i);
    if (out.length === previewShapeFrames) break;
  }
  return out;
}
