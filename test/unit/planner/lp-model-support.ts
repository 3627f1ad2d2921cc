/**
 * The LP of one cycle built exactly as plan() builds it (steps 1–4 of plan.ts, then
 * lp/lp-problem.ts), solved, and read back per column kind, so tests can assert on the model
 * itself rather than on the rounded first slot.
 */
import { cyclicJobs, inheritUrgency, markWaiting } from "../../../lib/planner/deps/job-deps.ts";
import { type ColInfo } from "../../../lib/planner/lp/model.ts";
import { buildLpProblem, type LpProblem } from "../../../lib/planner/lp/lp-problem.ts";
import type { LpSolver } from "../../../lib/planner/lp/solver.ts";
import { buildClasses, Eligibility } from "../../../lib/planner/matching/node-classes.ts";
import { compareJobs, type OrderFacts } from "../../../lib/planner/priority/order.ts";
import { neededSec, slackSec } from "../../../lib/planner/priority/slack.ts";
import { ShareLedger } from "../../../lib/planner/shares/ledger.ts";
import { PriceCurve } from "../../../lib/planner/tariff/price-curve.ts";
import type { Job, Policy, Snapshot } from "../../../lib/planner/types.ts";
import { type JobState, jobState, runningTails } from "../../../lib/planner/work/job-state.ts";

export interface SolvedProblem extends LpProblem {
  status: string;
  /** Columns with their solution values. */
  values: { info: ColInfo; v: number }[];
  /** Sum of values of columns matching `pick`. */
  sum(pick: (c: ColInfo) => boolean, weight?: (c: ColInfo) => number): number;
}

export function lpProblemOf(snapshot: Snapshot, policy: Policy, now: number, options: { completionCredit?: boolean } = {}): LpProblem {
  const { classes } = buildClasses(snapshot.nodes);
  const eligibility = new Eligibility(classes);
  const clients = new Map(snapshot.clients.map((c) => [c.id, c]));
  const jobsById = new Map(snapshot.jobs.map((j) => [j.id, j]));
  const preassignUntil = now + policy.preassignWithinSec * 1000;
  const ledger = new ShareLedger(snapshot.clients, snapshot.nodes.filter((n) => n.pool === "onprem"), (id) => jobsById.get(id)?.clientId, (l) => l.expectedEndAt > preassignUntil);
  const cyclic = cyclicJobs(snapshot.jobs);
  const tails = runningTails(snapshot.nodes, now);
  const states = new Map<string, JobState>();
  for (const j of snapshot.jobs) states.set(j.id, jobState(j, { policy, eligibility, runningTailSec: tails, maxSlotsOf: (c) => ledger.maxOf(c), cyclic }));
  markWaiting(states);
  const urgency = inheritUrgency(states, (s) => neededSec(s, policy));
  const facts = new Map<string, OrderFacts>();
  for (const s of states.values()) {
    const u = urgency.get(s.job.id)!;
    facts.set(s.job.id, { id: s.job.id, priority: u.priority, submittedAt: s.job.submittedAt, deadlineAt: u.deadlineAt, slackSec: slackSec(s, u.deadlineAt, policy, now) });
  }
  const active = [...states.values()].filter((s) => s.status === "active").sort((a, b) => compareJobs(facts.get(a.job.id)!, facts.get(b.job.id)!, policy));
  const waiting = [...states.values()].filter((s) => s.status === "waiting");
  const cloudOk = (j: Job) => j.cloudAllowed && (clients.get(j.clientId)?.cloudAllowed ?? false);
  const curve = snapshot.tariff ? new PriceCurve(snapshot.tariff) : null;
  const never: LpSolver = { solve: () => { throw new Error("not solved here"); } };
  return buildLpProblem({ snapshot, policy, now, classes, eligibility, ordered: active, waiting, states, facts, ledger, cloudOk, curve, solver: never, timeLimitSec: 5 }, options);
}

export function solveProblem(snapshot: Snapshot, policy: Policy, now: number, solver: LpSolver, options: { completionCredit?: boolean } = {}): SolvedProblem {
  const p = lpProblemOf(snapshot, policy, now, options);
  const sol = solver.solve(p.built.model, { timeLimitSec: 10 });
  const values = p.built.cols.map((info, j) => ({ info, v: sol.colValue[j] ?? 0 }));
  const sum = (pick: (c: ColInfo) => boolean, weight: (c: ColInfo) => number = () => 1) => values.reduce((s, { info, v }) => s + (pick(info) ? v * weight(info) : 0), 0);
  return { ...p, status: sol.status, values, sum };
}
