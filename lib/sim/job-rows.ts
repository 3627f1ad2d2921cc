/** Per-job outcome rows at the end of a run. */
import { DONE, type SimState } from "./state.ts";
import type { JobOutcomeRow } from "./types.ts";

export function jobRows(st: SimState): JobOutcomeRow[] {
  return st.jobOrder.map((id) => {
    const j = st.jobs.get(id)!;
    const d = j.job.deadlineAt;
    const late = d !== null && (j.finishedAt === null || j.finishedAt > d);
    const workSec = j.job.steps.reduce((s, step) => s + step.secondsPerFrame * step.framesPerTask * step.taskCount, 0);
    // Which tasks a partly done step finished: the energy bound prices that very work (bounds/energy.ts).
    const partly = j.steps.some((s) => s.done > 0 && s.done < s.status.length);
    const doneSets = partly ? j.steps.map((s) => (s.done > 0 && s.done < s.status.length ? [...s.status.keys()].filter((i) => s.status[i] === DONE) : null)) : undefined;
    return {
      id, clientId: j.job.clientId, submittedAt: j.spec.submitAt, firstStartAt: j.firstStartAt, firstOutputAt: j.firstOutputAt,
      finishedAt: j.finishedAt, deadlineAt: d, ...(j.spec.job.deadlineAt !== d ? { originalDeadlineAt: j.spec.job.deadlineAt } : {}), late, failed: j.failed, tasks: j.job.steps.reduce((s, step) => s + step.taskCount, 0), doneTasks: j.steps.map((s) => s.done), ...(doneSets ? { doneSets } : {}), cloudAllowed: j.job.cloudAllowed && !!st.clients.get(j.job.clientId)?.cloudAllowed, workSec,
    };
  });
}
