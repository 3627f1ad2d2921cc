/**
 * The monitor's "Latest frames": a job's most recently finished frames, newest first, with
 * whether each is a preview (the agent's word, or the job's: a preview step, or a task the
 * preview-first order renders first), and a frame's thumbnail (or the PNG frame itself) from the
 * output store.
 * Both are read like the job itself: another client's job is 403, an unknown one 404.
 */
import type { Actor } from "../actor.ts";
import { NotFoundError } from "../errors.ts";
import { loadJobFor } from "../load-job.ts";
import type { JobRecord } from "../model.ts";
import type { ServiceDeps } from "../ports.ts";
import { parseTaskRef } from "../settle-task.ts";
import { previewTasks } from "./job-tasks.ts";
import { maxListedFrames } from "./task-outputs.ts";

export interface JobOutputView {
  taskId: string;
  stepName: string;
  taskIndex: number;
  frame: number;
  key: string;
  preview: boolean;
  /** A thumbnail can be fetched (GET /jobs/{id}/outputs/{taskId}/{frame}/thumbnail). */
  hasThumbnail: boolean;
  settledAt: number;
}

export async function listJobOutputs(deps: ServiceDeps, input: { jobId: string; limit: number }, actor: Actor): Promise<{ jobId: string; items: JobOutputView[] }> {
  const job = await loadJobFor(deps, input.jobId, actor);
  const limit = Math.min(maxListedFrames, Math.max(1, input.limit));
  // Every task reports at least one frame, so `limit` tasks always hold `limit` frames.
  const records = (await deps.monitor?.latestTaskOutputs(job.id, limit)) ?? [];
  const isPreview = previewLookup(job);
  const items = records.flatMap((r) => [...r.frames].reverse().map((f) => ({
    taskId: r.taskId, stepName: r.stepName, taskIndex: r.taskIndex, frame: f.frame, key: f.key,
    preview: f.preview || isPreview(r.stepName, r.taskIndex), hasThumbnail: f.thumbnail !== undefined, settledAt: r.settledAt,
  })));
  return { jobId: job.id, items: items.slice(0, limit) };
}

export interface FrameRef { jobId: string; taskId: string; frame: number }

/** The frame's thumbnail PNG (≤256 px). */
export async function readThumbnail(deps: ServiceDeps, input: FrameRef, actor: Actor): Promise<Uint8Array> {
  const key = (await reportedFrame(deps, input, actor))?.thumbnail;
  const bytes = key ? await deps.outputs?.get(key) : undefined;
  if (!bytes) throw new NotFoundError("thumbnail", `${input.taskId} frame ${input.frame}`);
  return bytes;
}

/** The frame itself when it is a PNG of at most `maxFrameImageBytes` (a Lambda reply is ≤6 MB after base64). */
export async function readFrameImage(deps: ServiceDeps, input: FrameRef, actor: Actor): Promise<Uint8Array> {
  const key = (await reportedFrame(deps, input, actor))?.key;
  const bytes = key && /\.png$/i.test(key) ? await deps.outputs?.get(key) : undefined;
  if (!bytes) throw new NotFoundError("PNG frame", `${input.taskId} frame ${input.frame}`);
  if (bytes.length > maxFrameImageBytes) throw new NotFoundError(`PNG frame under ${maxFrameImageBytes / 1024 / 1024} MB`, `${input.taskId} frame ${input.frame}`);
  return bytes;
}

export const maxFrameImageBytes = 4 * 1024 * 1024;

async function reportedFrame(deps: ServiceDeps, input: FrameRef, actor: Actor) {
  const job = await loadJobFor(deps, input.jobId, actor);
  if (parseTaskRef(input.taskId).jobId !== job.id) throw new NotFoundError("task", input.taskId);
  const record = await deps.monitor?.taskOutputs(job.id, input.taskId);
  return record?.frames.find((f) => f.frame === input.frame);
}

function previewLookup(job: JobRecord): (stepName: string, taskIndex: number) => boolean {
  const cache = new Map<string, Set<number>>();
  return (stepName, taskIndex) => {
    let set = cache.get(stepName);
    if (!set) {
      const step = job.steps.find((s) => s.name === stepName);
      set = new Set(step ? previewTasks(job, step) : []);
      cache.set(stepName, set);
    }
    return set.has(taskIndex);
  };
}
