/**
 * What a succeeded task wrote, as its agent reported it: per frame the output key, its
 * thumbnail's key and whether it is a preview (keys in the output store, never bytes). Stored
 * per task as `OUTPUTS#<jobId>` / `T#<taskId>` by a conditional write that only a report at
 * least as recent passes, so a duplicate or a late, older report never rolls the record back.
 * Keys outside the task's own output folder are dropped: an agent may not point the monitor at
 * another job's files.
 */
import { parseTaskId } from "../../planner/index.ts";
import type { ServiceDeps } from "../ports.ts";
import { outputPrefix } from "../run-spec-access.ts";

/** Frames an agent reports per task (the latest it wrote). */
export const maxOutputsPerTask = 16;

/** Frames one GET /jobs/{id}/outputs lists at most. */
export const maxListedFrames = 100;

export interface FrameOutput {
  /** Output store key of the frame (under the task's `jobs/<job>/<step>/`). */
  key: string;
  frame: number;
  /** Output store key of its thumbnail PNG (`<prefix>thumbs/…`), absent when none could be made. */
  thumbnail?: string;
  /** Rendered as a preview (a low-quality pass, or a progressive pass not yet final). */
  preview: boolean;
}

export interface TaskOutputsRecord {
  jobId: string;
  taskId: string;
  stepName: string;
  taskIndex: number;
  nodeId: string;
  /** When the attempt ended (the agent's endedAt, never later than the settle): orders reports. */
  settledAt: number;
  frames: FrameOutput[];
}

export interface TaskOutputsStore {
  /** Writes unless a record with a later settledAt exists; false when it was kept. */
  putTaskOutputs(record: TaskOutputsRecord): Promise<boolean>;
  /** The most recently settled tasks of a job, newest first. */
  latestTaskOutputs(jobId: string, limit: number): Promise<TaskOutputsRecord[]>;
  taskOutputs(jobId: string, taskId: string): Promise<TaskOutputsRecord | undefined>;
}

export interface ReportedOutputs {
  nodeId: string;
  taskId: string;
  endedAt?: number;
  outputs?: readonly FrameOutput[];
}

/**
 * Records a success's frames (called for accepted and duplicate successes: a replay after a
 * lost write fills the gap, a repeat changes nothing). Best effort: the monitor's pictures
 * never stand in the way of the report itself.
 */
export async function recordTaskOutputs(deps: ServiceDeps, input: ReportedOutputs): Promise<boolean> {
  if (!deps.monitor || !input.outputs || input.outputs.length === 0) return false;
  const ref = parseTaskId(input.taskId);
  const frames = ownFrames(outputPrefix(ref.jobId, ref.stepName), input.outputs);
  if (frames.length === 0) return false;
  const now = deps.clock.now();
  const settledAt = Math.min(now, Math.max(0, input.endedAt ?? now));
  return deps.monitor.putTaskOutputs({ jobId: ref.jobId, taskId: input.taskId, stepName: ref.stepName, taskIndex: ref.taskIndex, nodeId: input.nodeId, settledAt, frames })
    .catch(() => false);
}

/** Only keys in the task's own folder (thumbnails in its `thumbs/`), with no `.`/`..`/empty segments. */
export function ownFrames(prefix: string, outputs: readonly FrameOutput[]): FrameOutput[] {
  const inside = (key: string, under: string) => key.startsWith(under) && key.length > under.length
    && !key.includes("\\") && key.split("/").every((s) => s !== "" && s !== "." && s !== "..");
  return outputs.slice(-maxOutputsPerTask).flatMap((o) => {
    if (!inside(o.key, prefix) || !Number.isSafeInteger(o.frame)) return [];
    const thumbnail = o.thumbnail !== undefined && inside(o.thumbnail, `${prefix}thumbs/`) && /\.png$/i.test(o.thumbnail) ? o.thumbnail : undefined;
    return [{ key: o.key, frame: o.frame, ...(thumbnail ? { thumbnail } : {}), preview: o.preview === true }];
  });
}
