import type { Client, Job, Policy, Snapshot } from "./types.ts";
import { cyclicJobs, inheritUrgency, markWaiting, type Urgency } from "./deps/job-deps.ts";
import { buildClasses, Eligibility, type NodeClass } from "./matching/node-classes.ts";
import { forgivenNode } from "./matching/refusals.ts";
import { compareJobs, type OrderFacts } from "./priority/order.ts";
import { neededSec, slackSec } from "./priority/slack.ts";
import { ShareLedger } from "./shares/ledger.ts";
import { PriceCurve } from "./tariff/price-curve.ts";
import { type JobState, type JobStateInput, jobState, runningTailsByJob } from "./work/job-state.ts";

/** What steps 1–4 of a planning cycle know, and every later step (LP or greedy) starts from. */
export interface PreparedCycle {
  classes: NodeClass[];
  eligibility: Eligibility;
  clients: Map<string, Client>;
  ledger: ShareLedger;
  /** Warnings so far (shares scaled, dependency cycles); later steps append. */
  warnings: string[];
  states: Map<string, JobState>;
  urgency: Map<string, Urgency>;
  facts: Map<string, OrderFacts>;
  /** Active jobs in dispatch order. */
  active: JobState[];
  /** Jobs waiting for prerequisites, in snapshot order. */
  waiting: JobState[];
  cloudOk: (job: Job) => boolean;
  curve: PriceCurve | null;
}

/**
 * Steps 1–4 of plan(): (1) index: node classes, eligibility per requirement set, client shares;
 * (2) state per job: work left, dead tasks, step dependencies, approval gates; (3) dependencies:
 * job cycles named, prerequisites wait, urgency flows to prerequisites; (4) order: slack per job,
 * tiers, priority within policy. Pure; runs on every event, so it avoids per-job closures and keys.
 */
export function prepareCycle(snapshot: Snapshot, policy: Policy, now: number): PreparedCycle {
  // 1. index
  const { classes } = buildClasses(snapshot.nodes);
  const eligibility = new Eligibility(classes);
  const clients = new Map<string, Client>();
  for (const c of snapshot.clients) clients.set(c.id, c);
  const clientOfJob = new Map<string, string>();
  for (const j of snapshot.jobs) clientOfJob.set(j.id, j.clientId);
  const preassignUntil = now + policy.preassignWithinSec * 1000;
  const onprem = snapshot.nodes.filter((n) => n.pool === "onprem");
  const ledger = new ShareLedger(snapshot.clients, onprem, (id) => clientOfJob.get(id), (l) => l.expectedEndAt > preassignUntil);
  const warnings = [...ledger.warnings];

  // 2–3. state and dependencies
  const cyclic = cyclicJobs(snapshot.jobs);
  for (const text of new Set(cyclic.values())) warnings.push(`dependency cycle: ${text}`);
  const input: JobStateInput = { policy, eligibility, tailsByJob: runningTailsByJob(snapshot.nodes, now), maxSlotsOf: (c) => ledger.maxOf(c), cyclic };
  const states = new Map<string, JobState>();
  for (const j of snapshot.jobs) states.set(j.id, jobState(j, input));
  markWaiting(states);
  forgiveRefusals(states, policy, warnings);
  const urgency = inheritUrgency(states, (s) => neededSec(s, policy));

  // 4. order
  const facts = new Map<string, OrderFacts>();
  const ranked: OrderFacts[] = [];
  const waiting: JobState[] = [];
  for (const s of states.values()) {
    const u = urgency.get(s.job.id)!;
    const f: OrderFacts = { id: s.job.id, priority: u.priority, submittedAt: s.job.submittedAt, deadlineAt: u.deadlineAt, slackSec: slackSec(s, u.deadlineAt, policy, now) };
    facts.set(s.job.id, f);
    if (s.status === "active") ranked.push(f);
    else if (s.status === "waiting") waiting.push(s);
  }
  ranked.sort((a, b) => compareJobs(a, b, policy));
  const active = ranked.map((f) => states.get(f.id)!);

  const curve = snapshot.tariff ? new PriceCurve(snapshot.tariff) : null;
  const cloudOk = (j: Job) => j.cloudAllowed && (clients.get(j.clientId)?.cloudAllowed ?? false);
  return { classes, eligibility, clients, ledger, warnings, states, urgency, facts, active, waiting, cloudOk, curve };
}

/**
 * A job every node refuses for failures gets one node back (matching/refusals.ts): never a job
 * that sits forever beside idle nodes. Said in the plan's warnings, with the bound.
 */
function forgiveRefusals(states: Map<string, JobState>, policy: Policy, warnings: string[]): void {
  const after = policy.failures.blocklistAfter;
  for (const s of states.values()) {
    if (s.status !== "active") continue;
    const n = forgivenNode(s.steps, s.job, after);
    if (!n) continue;
    s.forgiven = n;
    warnings.push(`job ${s.job.id}: every node that can run it refuses it after repeated failures; ${n.id} (${n.failuresByJob?.[s.job.id] ?? 0} failures) takes it again, each further failure counting against its tasks' ${policy.failures.retriesPerTask} attempts`);
  }
}
