/**
 * `weighted` — AWS Deadline Cloud's weighted balanced scheduling with its documented
 * defaults: weight = priority×100 + errors×(−10) + seconds since submission×3 +
 * (rendering tasks − 1)×(−100); the highest weight gets the next worker and workers spread
 * evenly among equal weights. Recomputed after every assignment, as rendering tasks change.
 * Kind-blind, never bursts. Source: Deadline Cloud API WeightedBalancedSchedulingConfiguration.
 */
import type { Plan, Policy, Snapshot } from "../../planner/index.ts";
import { basePlan, cursors, decisions, dispatch, type Cursor } from "./dispatch.ts";

export const WEIGHTS = { priority: 100, error: -10, submissionTime: 3, renderingTask: -100, renderingTaskBuffer: 1 };

export function weight(c: Cursor, now: number): number {
  const w = WEIGHTS;
  return c.job.priority * w.priority + c.job.errorCount * w.error + ((now - c.job.submittedAt) / 1000) * w.submissionTime
    + (c.rendering - w.renderingTaskBuffer) * w.renderingTask;
}

export function weighted(snapshot: Snapshot, policy: Policy, now: number): Plan {
  const all = cursors(snapshot);
  const { assignments } = dispatch(snapshot, policy, now, (_node, cands) =>
    [...cands].sort((a, b) => weight(b, now) - weight(a, now) || a.rendering - b.rendering || (a.job.id < b.job.id ? -1 : 1))[0], all);
  const ordered = [...all].sort((a, b) => weight(b, now) - weight(a, now) || (a.job.id < b.job.id ? -1 : 1));
  return basePlan(now, assignments, decisions(snapshot, ordered));
}
