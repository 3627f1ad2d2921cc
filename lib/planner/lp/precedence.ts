import { speedOf } from "../matching/node-classes.ts";
import type { JobState } from "../work/job-state.ts";
import type { CloudResource } from "./resources.ts";

/**
 * Precedence as a release time: a job waiting for prerequisites cannot start before the
 * earliest instant they could all be done — each prerequisite's own earliest start plus its
 * longest pending task on the fastest hardware that may run it (a lower bound: never later than
 * any real schedule, so the LP only loses plans that put a dependent's work before its
 * prerequisite's). Running-only prerequisites add nothing (their leases' ends are not known here).
 */
export function earliestStartOf(states: ReadonlyMap<string, JobState>, clouds: readonly CloudResource[], now: number): (s: JobState) => number {
  const memo = new Map<string, number>();
  const finishOf = (s: JobState, depth: number): number => {
    let longest = 0;
    for (const st of s.steps) {
      if (st.live <= 0) continue;
      let best = 0;
      for (const c of st.eligible) best = Math.max(best, speedOf(c.speed, st.step.kind));
      for (const c of clouds) best = Math.max(best, speedOf(c.offer.speed, st.step.kind));
      if (best > 0) longest = Math.max(longest, (st.taskSec / best) * 1000);
    }
    return startOf(s, depth) + longest;
  };
  const startOf = (s: JobState, depth: number): number => {
    const hit = memo.get(s.job.id);
    if (hit !== undefined) return hit;
    let at = now;
    // Deep chains are cut off (a lower bound stays one); cycles never reach here (markWaiting).
    if (s.status === "waiting" && depth < 32) {
      for (const id of s.job.dependsOn) {
        const p = states.get(id);
        if (p && (p.status === "active" || p.status === "waiting")) at = Math.max(at, finishOf(p, depth + 1));
      }
    }
    memo.set(s.job.id, at);
    return at;
  };
  return (s) => startOf(s, 0);
}
