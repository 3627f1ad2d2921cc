import type { JobDecision, JobOutcome } from "./types.ts";
import type { Projection } from "./burst/projection.ts";
import { dateTime, duration } from "./format.ts";
import type { OrderFacts } from "./priority/order.ts";
import type { Deferral } from "./tariff/deferral.ts";
import type { JobState } from "./work/job-state.ts";

export interface DecisionInput {
  s: JobState;
  facts: OrderFacts;
  rank: number;
  placed: number;
  deferral: Deferral | undefined;
  capped: boolean;
  clientMax: number;
  projection: Projection | undefined;
  burstReason: string | undefined;
  cloudRefused: string | undefined;
  cloudOk: boolean;
  now: number;
  /** Nothing placed or running, and every node that could run it refuses it (matching/refusals.ts refusedEverywhere). */
  refusedEverywhere?: boolean;
  /** The LP's binding fact for this job, when the LP planned the cycle. */
  why?: string | undefined;
}

/** The answer to "why is my job (not) running?", one outcome and one sentence per job. */
export function decideJob(d: DecisionInput): JobDecision {
  const { s, facts } = d;
  const late = facts.deadlineAt !== null && d.projection !== undefined && d.projection.finishAt > facts.deadlineAt;
  // A burst closes the gap of an on-prem projection; a projection that counts it already is late regardless.
  const atRisk = late && (d.burstReason === undefined || d.projection!.withRented === true);
  const [outcome, reason] = outcomeOf(d);
  const risk = atRisk ? `; at risk: ${projected(d.projection!.finishAt)} against deadline ${dateTime(facts.deadlineAt!)}${riskCause(d)}` : "";
  const why = d.why && (outcome === "placed" || outcome === "running" || outcome === "queued" || outcome === "held" || outcome === "burst") ? `; ${d.why}` : "";
  return {
    jobId: s.job.id,
    clientId: s.job.clientId,
    outcome,
    reason: reason + risk + why,
    rank: d.rank,
    slackSec: facts.slackSec === null ? null : Math.round(facts.slackSec),
    effectiveDeadlineAt: facts.deadlineAt,
    atRisk,
    projectedFinishAt: d.projection && isDate(d.projection.finishAt) ? d.projection.finishAt : null,
    remainingWorkSec: Math.round(s.workSec),
    tasksAssigned: d.placed,
  };
}

/** The projected finish in words; a job that cannot finish within the horizon has no date (not "NaN-NaN"). */
function projected(finishAt: number): string {
  return isDate(finishAt) ? `projected ${dateTime(finishAt)}` : "not to finish within the planning horizon";
}

/** An instant a Date can show: projections use Infinity or Number.MAX_SAFE_INTEGER for "never". */
function isDate(at: number): boolean {
  return Number.isFinite(at) && Math.abs(at) <= 8.64e15;
}

function riskCause(d: DecisionInput): string {
  if (d.cloudRefused) return ` (${d.cloudRefused})`;
  if (!d.cloudOk) return " (cloud not allowed)";
  return "";
}

function outcomeOf(d: DecisionInput): [JobOutcome, string] {
  const { s, facts } = d;
  switch (s.status) {
    case "done": return ["done", s.statusReason];
    case "failed": return ["failed", s.statusReason];
    case "suspended": return ["suspended", s.statusReason];
    case "cycle": return ["unplaceable", `unplaceable: ${s.statusReason}`];
    case "waiting": return ["waiting", s.statusReason];
    case "blocked": return ["blocked", s.statusReason];
    case "active": break;
  }
  const slack = facts.slackSec === null ? "no deadline" : `slack ${duration(facts.slackSec)}`;
  if (d.deferral && d.placed === 0) return ["deferred", d.deferral.reason];
  if (d.placed > 0) {
    const burst = d.burstReason ? `; burst: ${d.burstReason}` : "";
    // An early look: a deferred job's first frame runs now, the rest waits.
    const rest = d.deferral ? `; the rest is deferred: ${d.deferral.reason.replace(/^deferred: /, "")}` : "";
    return ["placed", `placed ${d.placed} task(s), rank ${d.rank + 1}, ${slack}${burst}${rest}`];
  }
  if (d.burstReason) return ["burst", `burst: ${d.burstReason}`];
  const open = s.steps.filter((st) => st.live > 0);
  const unplaceable = open.find((st) => !st.blocked && st.eligible.length === 0);
  if (unplaceable) return ["unplaceable", `unplaceable: step "${unplaceable.step.name}" needs ${unplaceable.unmet}, which no node has`];
  if (open.length > 0 && open.every((st) => st.blocked)) {
    const held = open.find((st) => st.blocked!.startsWith("finals held"));
    return held ? ["held", `held: ${held.blocked}`] : ["waiting", `waiting: ${open[0]!.blocked}`];
  }
  if (open.length > 0 && open.every((st) => st.blocked || st.allowance === 0) && s.job.preview.approval === "pending") {
    return ["held", "held: preview frames rendered or running; finals wait for approval"];
  }
  if (d.capped) return ["held", `held: client ${s.job.clientId} is at its cap of ${d.clientMax} on-prem slot(s)`];
  if (s.runningTasks > 0) return ["running", `${s.runningTasks} task(s) running; no free eligible slot for more, rank ${d.rank + 1}, ${slack}`];
  if (d.refusedEverywhere) {
    return ["unplaceable", "unplaceable: every node that can run it refuses it (blocklisted for it, or after repeated failures there); clear a node's record with this job or fix the job"];
  }
  return ["queued", `queued: no free eligible node; ${d.rank} job(s) ahead, ${slack}`];
}
