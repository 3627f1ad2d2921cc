import type { Policy } from "../types.ts";

/** What the dispatch order is computed from, per job. */
export interface OrderFacts {
  id: string;
  priority: number;
  submittedAt: number;
  deadlineAt: number | null;
  slackSec: number | null;
}

/**
 * Tiers, in order: (0) urgent — slack under `urgentSlackSec`, late ones included; (1) jobs with a
 * deadline; (2) best effort. Within the deadline tiers, least slack first, each priority point
 * above 50 worth `priorityWeightSec` of slack (Afanasy: a priority point ≈ 10% more hosts).
 * Best-effort jobs go by priority, then submission. Ties: deadline, submission, id.
 */
export function tierOf(f: OrderFacts, policy: Policy): 0 | 1 | 2 {
  if (f.slackSec === null) return 2;
  return f.slackSec < policy.urgentSlackSec ? 0 : 1;
}

export function compareJobs(a: OrderFacts, b: OrderFacts, policy: Policy): number {
  const ta = tierOf(a, policy);
  const tb = tierOf(b, policy);
  if (ta !== tb) return ta - tb;
  if (ta < 2) {
    const ka = a.slackSec! - (a.priority - 50) * policy.priorityWeightSec;
    const kb = b.slackSec! - (b.priority - 50) * policy.priorityWeightSec;
    if (ka !== kb) return ka - kb;
    if (a.deadlineAt !== b.deadlineAt) return a.deadlineAt! - b.deadlineAt!;
  } else if (a.priority !== b.priority) {
    return b.priority - a.priority;
  }
  if (a.submittedAt !== b.submittedAt) return a.submittedAt - b.submittedAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
