/**
 * The demo's result, measured rather than assumed: frames from the output store (its manifest
 * of writes, and the OpenJD sample's output folder) and from the API, cost from the usage
 * ledger, deadlines from the jobs' finish times.
 *   jobs, frames_done, frames_lost, frames_duplicated, misses, cloud_cost, energy_cost,
 *   preview_first_ok, submit_to_first_frame_s, and the planning cycles by way (plans_solved,
 *   plans_replayed, plans_greedy: the LP solved, its fresh solution replayed, or the greedy passes)
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { listAllJobs } from "../cli/list-jobs.ts";
import type { ApiClient } from "../http/client/api-client.ts";
import type { ManifestEntry } from "./output-manifest.ts";

export interface FarmSummaryJson {
  jobs: number;
  frames_done: number;
  frames_lost: number;
  frames_duplicated: number;
  misses: number;
  cloud_cost: number;
  energy_cost: number;
  currency: string;
  preview_first_ok: boolean;
  submit_to_first_frame_s: number | null;
  /** Tasks the API counts as done (equals frames_done when files and API agree). */
  api_frames_done: number;
  plans_solved: number;
  plans_replayed: number;
  plans_greedy: number;
}

/** One frame written: its job, frame number, and when (real epoch ms). */
export interface FrameWrite { jobId: string; frame: number; at: number }

const frameKey = /^jobs\/([^/]+)\/[^/]+\/frame-(\d+)\.png$/;

/** Frame writes of native jobs, in write order (task logs and other files excluded). */
export function nativeFrameWrites(entries: readonly ManifestEntry[]): FrameWrite[] {
  return entries.flatMap((e) => {
    const m = frameKey.exec(e.key);
    return m ? [{ jobId: m[1]!, frame: Number(m[2]), at: e.at }] : [];
  });
}

/** PNG frames in a folder (an OpenJD job's OutputDir), by file time. */
export function folderFrameWrites(dir: string, jobId: string): FrameWrite[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith(".png")).map((f) => ({
    jobId, frame: Number(/(\d+)\.png$/.exec(f)?.[1] ?? NaN), at: statSync(join(dir, f)).mtimeMs,
  })).sort((a, b) => a.at - b.at);
}

/** A preview-first job's first and last frames are among its first `wave` frames written. */
export function previewFirst(writes: readonly FrameWrite[], wave: number): boolean {
  if (writes.length === 0) return false;
  const frames = writes.map((w) => w.frame);
  const first = Math.min(...frames);
  const last = Math.max(...frames);
  const early = [...writes].sort((a, b) => a.at - b.at).slice(0, wave).map((w) => w.frame);
  return early.includes(first) && early.includes(last);
}

export interface SummaryInput {
  api: ApiClient;
  manifest: readonly ManifestEntry[];
  /** OpenJD jobs' output folders by job id. */
  openJdFolders: Record<string, string>;
  /** Real instants the demo's jobs were submitted. */
  submittedAt: number[];
  /** Frames a preview-first job may finish before both its first and last are in (e.g. the node count). */
  previewWave: number;
  /** The farm clock's now (for the usage window). */
  farmNow: number;
  /** Planning cycles by way (lib/solver/rolling-plan-of-record.ts); absent: all greedy, uncounted. */
  planCounts?: { solved: number; replayed: number; greedy: number };
}

export async function farmSummary(s: SummaryInput): Promise<FarmSummaryJson> {
  const jobs = await listAllJobs<any>(s.api);
  const clients = (await s.api.get("/clients")).items as { id: string }[];
  const from = new Date(s.farmNow - 30 * 864e5).toISOString().slice(0, 10);
  const to = new Date(s.farmNow + 864e5).toISOString().slice(0, 10);
  const usage = await Promise.all(clients.map((c) => s.api.get(`/clients/${encodeURIComponent(c.id)}/usage`, { from, to })));
  const writes = [...nativeFrameWrites(s.manifest), ...Object.entries(s.openJdFolders).flatMap(([id, dir]) => folderFrameWrites(dir, id))];
  const distinct = new Map<string, number>();
  for (const w of writes) distinct.set(`${w.jobId}#${w.frame}`, (distinct.get(`${w.jobId}#${w.frame}`) ?? 0) + 1);
  const apiDone = jobs.reduce((n: number, j: any) => n + j.progress.done, 0);
  const firstWrite = writes.length ? Math.min(...writes.map((w) => w.at)) : null;
  const firstSubmit = s.submittedAt.length ? Math.min(...s.submittedAt) : null;
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    jobs: jobs.length,
    frames_done: distinct.size,
    frames_lost: jobs.reduce((n: number, j: any) => n + j.progress.failed, 0) + Math.max(0, apiDone - distinct.size),
    frames_duplicated: [...distinct.values()].reduce((n, c) => n + c - 1, 0),
    misses: jobs.filter((j: any) => j.deadline && (j.status !== "done" || Date.parse(j.finishedAt) > Date.parse(j.deadline))).length,
    cloud_cost: round(usage.reduce((n: number, u: any) => n + u.totals.cloudCost, 0)),
    energy_cost: round(usage.reduce((n: number, u: any) => n + u.totals.energyCost, 0)),
    currency: "USD",
    preview_first_ok: jobs.filter((j: any) => j.preview.previewFirst && j.progress.tasks > 2)
      .every((j: any) => previewFirst(writes.filter((w) => w.jobId === j.id), s.previewWave)),
    submit_to_first_frame_s: firstWrite === null || firstSubmit === null ? null : round((firstWrite - firstSubmit) / 1000),
    api_frames_done: apiDone,
    plans_solved: s.planCounts?.solved ?? 0,
    plans_replayed: s.planCounts?.replayed ?? 0,
    plans_greedy: s.planCounts?.greedy ?? 0,
  };
}
