import type { Policy, Step } from "../types.ts";

/**
 * What a step's finished tasks say about its runtime estimate (3Sigma: 8–23% of estimates are off
 * by 2× or more). After n finished tasks their mean is known to about cv/√n (cv the larger of the
 * declared and the measured spread); a mean above the estimate by more than `safetySigma` such
 * errors corrects the estimate to the mean less those errors. Without it, competing-deadlines with
 * C1's frames 30% over the estimate misses C1 by 12 minutes. A mean below the estimate never
 * shrinks the work. Failed attempts are not counted: frame errors are the fault model's, and
 * pricing their rework in (1.5%) tipped client-conflict's B1, due with 4 minutes to spare at seed
 * 2, 10 minutes late. The due-time margin (groups.ts dueMarginMs) keeps its tenth of the time left:
 * shrinking it as evidence confirmed the estimate made client-conflict's B1 18 minutes late (the
 * tenth also absorbs what the fluid plan does not model, not only estimate drift).
 */

/** Measured mean ÷ estimate, its relative standard error, and how many tasks measured it; null: none finished. */
export function stepEvidence(step: Step): { tasks: number; ratio: number; error: number } | null {
  const m = step.measured;
  const est = step.framesPerTask * step.secondsPerFrame;
  if (!m || m.tasks <= 0 || !(est > 0) || !(m.refSec > 0)) return null;
  const mean = m.refSec / m.tasks;
  const measuredCv = m.tasks >= 2 ? Math.sqrt(Math.max(0, m.refSecSq / m.tasks - mean * mean)) / mean : 0;
  const cv = Math.max(step.runtimeSpread, measuredCv);
  return { tasks: m.tasks, ratio: mean / est, error: cv / Math.sqrt(m.tasks) };
}

/** Factor on the step's estimate: the measured mean less `safetySigma` standard errors, when that is above the estimate; else 1. */
export function estimateFactor(policy: Policy, step: Step): number {
  const e = stepEvidence(step);
  return e === null ? 1 : Math.max(1, e.ratio * (1 - policy.safetySigma * e.error));
}
