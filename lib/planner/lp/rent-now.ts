import type { JobState } from "../work/job-state.ts";
import { burstFromLp } from "./actions.ts";
import { buildLpProblem, type LpProblem } from "./lp-problem.ts";
import type { LpStageInput } from "./plan-lp.ts";
import type { LpReading } from "./read.ts";
import { solveWithLateness } from "./solve-lateness.ts";

/**
 * The rentals asked for now: the plan of record's first slots (actions.ts burstFromLp), unless they
 * buy insurance that can still be bought later. Each due time keeps a tenth of the time left as
 * margin for runtimes drifting (groups.ts dueMarginMs), and that margin shrinks as the deadline
 * nears while runtimes meet their estimates. A client that may not rent keeps its margin only with
 * the farm, so the plan rents for clients that may, now, to free the farm for it: competing-deadlines
 * rented for A's and B's work due at +8 h and +10 h to keep C's margins at +12 h and +14 h (C may not
 * rent), work the farm then did alone as the margins shrank (cloud 13.45 against a bound of 0.31).
 * When work that may rent is due after such a client's deadline, its margin can still be bought later
 * (that work rents then, and frees the farm), so the rentals now are those of the plan with that
 * margin left out (a second solve, only when the first rents now and such a margin exists); should
 * runtimes drift, that plan sees it and rents within a boot. The dispatch still follows the plan of
 * record (the farm works in the margins' order); only the money waits (competing-deadlines: cloud
 * 13.45 -> 10.03, seeds 2 and 3: 13.21 -> 10.98, 12.73 -> 10.44). Margins of clients that may rent, and of
 * work nothing that may rent is due after, are kept: those can only be bought now, and buying them
 * later cost more (client-conflict, all due at +10 h, every margin left out: cloud 62.44 -> 63.00).
 */
export function rentNow(input: LpStageInput, solved: { reading: LpReading; problem: LpProblem }): ReturnType<typeof burstFromLp> {
  const { snapshot, policy, now } = input;
  const { reading, problem: { grid, clouds, groups } } = solved;
  const asked = burstFromLp(reading, groups, clouds, snapshot, grid, now, policy.burst.interruptionLossSec);
  if (asked.requests.length === 0) return asked;
  const kept = keptMargins(input);
  if (kept === null) return asked;
  const bare = solveWithLateness(input, buildLpProblem(input, { drift: kept }));
  if (!bare.ok) return asked;
  const p = bare.problem;
  return burstFromLp(bare.reading, p.groups, p.clouds, snapshot, p.grid, now, policy.burst.interruptionLossSec);
}

/**
 * Whether a job's due time keeps its drift margin when sizing the rentals now: all but those of jobs
 * that may not rent due before some job that may. Null when every job keeps it (no second solve).
 */
function keptMargins(input: LpStageInput): ((s: JobState, deadlineAt: number) => boolean) | null {
  const mayRent = (s: JobState) => input.policy.burst.enabled && input.cloudOk(s.job);
  let rentingUntil = -Infinity;
  for (const s of [...input.ordered, ...input.waiting]) {
    const d = input.facts.get(s.job.id)!.deadlineAt;
    if (d !== null && mayRent(s)) rentingUntil = Math.max(rentingUntil, d);
  }
  const deferred = (s: JobState, d: number) => d < rentingUntil && !mayRent(s);
  const any = [...input.ordered, ...input.waiting].some((s) => {
    const d = input.facts.get(s.job.id)!.deadlineAt;
    return d !== null && deferred(s, d);
  });
  return any ? (s, d) => !deferred(s, d) : null;
}
