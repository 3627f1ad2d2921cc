import type { Policy } from "../types.ts";
import type { JobState } from "../work/job-state.ts";

/**
 * Seconds the job needs on its achievable parallelism, plus a safety margin. Task runtimes are
 * modelled as independent with coefficient of variation `spread`: a lane of n tasks of length t
 * has standard deviation spread·t·√n, and we keep `safetySigma` of them (3Sigma, EuroSys'18:
 * plan with a spread, not a point).
 */
export function neededSec(s: JobState, policy: Policy, parallelism = s.localParallelism): number {
  if (s.workSec <= 0) return 0;
  const lanes = Math.max(1, parallelism);
  const duration = Math.max(s.workSec / (lanes * s.speed), s.longestTaskSec / s.speed);
  const tasks = Math.max(1, s.liveTasks + s.runningTasks);
  const perLane = Math.ceil(tasks / lanes);
  const spread = maxSpread(s);
  const margin = policy.safetySigma * spread * (s.longestTaskSec / s.speed) * Math.sqrt(perLane);
  return duration + margin;
}

/** slack = deadline − now − remaining work ÷ achievable parallelism − margin (seconds). */
export function slackSec(s: JobState, deadlineAt: number | null, policy: Policy, now: number): number | null {
  if (deadlineAt === null) return null;
  if (s.localParallelism === 0 && s.workSec > 0) return (deadlineAt - now) / 1000 - s.workSec / s.speed;
  return (deadlineAt - now) / 1000 - neededSec(s, policy);
}

function maxSpread(s: JobState): number {
  let m = 0;
  for (const st of s.steps) if (st.live + st.running > 0) m = Math.max(m, st.step.runtimeSpread);
  return m;
}
