/**
 * AWS Deadline Cloud session-action log (CSV) → per-frame render times.
 *
 *   const log = loadRenderLog(path);                // or parseRenderLog(textOrBuffer)
 *   log.samples[0]  // { job, step, frame: 1, seconds: 123.641, startAt, status: "SUCCEEDED" }
 *   renderTimeStats(log.samples.map(s => s.seconds)) // { count, mean, median, p90, cv, min, max }
 *   const draw = renderTimeSampler(seconds, rng);   // () => one observed duration (bootstrap)
 *
 * Columns (by header name, order-free): Job Name, Step Name, Env Name, Action Type, Status,
 * Start Time, Duration (Seconds), Frame (Task Param). Only `taskRun` rows are samples; the
 * other actions (syncInputJobAttachments, envEnter, envExit) are counted in `otherActions`
 * so a caller can model per-session overhead. The sampler is the plain empirical bootstrap:
 * it never invents a duration the farm did not see; `rng` returns uniform [0, 1).
 */
import { splitCsvLine } from "./csv.ts";
import { DataError } from "./data-error.ts";
import { readDataText, toText } from "./data-path.ts";

export interface RenderSample {
  job: string;
  step: string;
  frame: number | null;
  seconds: number;
  startAt: number;
  status: string;
}

export interface RenderLog {
  samples: RenderSample[];
  /** Action type → count / total seconds, for non-taskRun rows. */
  otherActions: Record<string, { count: number; totalSeconds: number }>;
}

export interface RenderTimeStats {
  count: number;
  mean: number;
  median: number;
  p90: number;
  /** Sample standard deviation ÷ mean. */
  cv: number;
  min: number;
  max: number;
}

const COLUMNS = {
  job: "Job Name", step: "Step Name", action: "Action Type", status: "Status",
  start: "Start Time", duration: "Duration (Seconds)", frame: "Frame (Task Param)",
} as const;

export function parseRenderLog(input: string | Buffer, source = "render log"): RenderLog {
  const lines = toText(input).split(/\r?\n/).filter((l) => l.trim() !== "");
  const header = splitCsvLine(lines[0] ?? "").map((h) => h.trim());
  const col = {} as Record<keyof typeof COLUMNS, number>;
  for (const [k, name] of Object.entries(COLUMNS) as [keyof typeof COLUMNS, string][]) {
    col[k] = header.indexOf(name);
    if (col[k] < 0) throw new DataError(source, `header has no "${name}" column`);
  }
  const samples: RenderSample[] = [];
  const otherActions: RenderLog["otherActions"] = {};
  for (let i = 1; i < lines.length; i++) {
    const f = splitCsvLine(lines[i]!);
    const seconds = Number(f[col.duration]);
    if (f[col.duration] === "" || !Number.isFinite(seconds) || seconds < 0) {
      throw new DataError(source, `line ${i + 1}: bad "${COLUMNS.duration}" "${f[col.duration] ?? ""}"`);
    }
    const action = f[col.action] ?? "";
    if (action !== "taskRun") {
      const o = (otherActions[action] ??= { count: 0, totalSeconds: 0 });
      o.count++;
      o.totalSeconds += seconds;
      continue;
    }
    const startAt = Date.parse(f[col.start] ?? "");
    if (!Number.isFinite(startAt)) throw new DataError(source, `line ${i + 1}: bad "${COLUMNS.start}" "${f[col.start] ?? ""}"`);
    const frameText = f[col.frame] ?? "";
    samples.push({
      job: f[col.job] ?? "", step: f[col.step] ?? "", frame: frameText === "" ? null : Number(frameText),
      seconds, startAt, status: f[col.status] ?? "",
    });
  }
  return { samples, otherActions };
}

export function loadRenderLog(path: string): RenderLog {
  return parseRenderLog(readDataText(path), path);
}

/** Quantile by linear interpolation between order statistics (type 7, as numpy/R default). */
function quantile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function renderTimeStats(seconds: number[]): RenderTimeStats {
  if (seconds.length === 0) throw new DataError("seconds", "no samples");
  const sorted = [...seconds].sort((a, b) => a - b);
  const n = sorted.length;
  const mean = sorted.reduce((s, x) => s + x, 0) / n;
  const variance = n > 1 ? sorted.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1) : 0;
  return {
    count: n, mean, median: quantile(sorted, 0.5), p90: quantile(sorted, 0.9),
    cv: mean > 0 ? Math.sqrt(variance) / mean : 0, min: sorted[0]!, max: sorted[n - 1]!,
  };
}

/**
 * Draws observed durations uniformly at random (bootstrap). `scaleToMean` rescales every draw
 * so the sampler's mean is that value while keeping the log's shape (spread, skew).
 */
export function renderTimeSampler(
  seconds: number[],
  rng: () => number,
  opts: { scaleToMean?: number } = {},
): () => number {
  if (seconds.length === 0) throw new DataError("seconds", "no samples to draw from");
  const pool = [...seconds];
  const k = opts.scaleToMean === undefined ? 1 : opts.scaleToMean / renderTimeStats(pool).mean;
  return () => {
    const u = rng();
    if (!(u >= 0 && u < 1)) throw new DataError("rng", `must return a number in [0, 1), got ${u}`);
    return pool[Math.floor(u * pool.length)]! * k;
  };
}
