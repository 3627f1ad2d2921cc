/**
 * Preview latency, the same for every policy: for each multi-task job, the time from submission
 * to its first finished frame, divided by a denominator no policy controls — the job's window,
 * submit to (final) deadline, or submit to the end of the horizon for best-effort jobs. A job
 * with no finished frame by the end counts with its frame at the horizon (censored, never
 * dropped), so a policy cannot score well by finishing late or not at all.
 */
import type { JobOutcomeRow } from "./types.ts";

export interface PreviewLatency {
  /** Mean of (first frame − submit) ÷ window × 100 over multi-task jobs; null with none. */
  pct: number | null;
  /** Mean minutes from submit to first frame over the same jobs. */
  firstFrameMin: number | null;
}

export function previewLatency(jobs: JobOutcomeRow[], endAt: number): PreviewLatency {
  const multi = jobs.filter((j) => j.tasks > 1 && j.submittedAt < endAt);
  if (multi.length === 0) return { pct: null, firstFrameMin: null };
  let pct = 0;
  let min = 0;
  for (const j of multi) {
    const first = Math.min(j.firstOutputAt ?? endAt, endAt) - j.submittedAt;
    const due = j.deadlineAt !== null && j.deadlineAt > j.submittedAt ? j.deadlineAt : endAt;
    pct += (first / (due - j.submittedAt)) * 100;
    min += first / 60_000;
  }
  return { pct: pct / multi.length, firstFrameMin: min / multi.length };
}
