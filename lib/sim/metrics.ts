/**
 * Per scenario × policy metrics, each beside its lower bound where one exists. Definitions:
 * - misses: jobs with a deadline not finished by it (unfinished at the end counts);
 *   unavoidable_misses: the joint lower bound (bounds/misses.ts, the least misses any schedule
 *   reaches); avoidable = misses − that (never below 0).
 * - utilization: busy ÷ available on-prem slot-time over the whole scenario horizon (the same
 *   span for every policy); asleep and waking nodes are not available capacity.
 * - wc_violation_node_min: node-minutes an on-prem node sat ready with a free slot while work
 *   it could run was pending and not deferred/waiting by the plan (includes plan latency).
 * - energy_cost: busy power × busy time × price (the part a schedule can shift; the bound's
 *   model); energy_total_cost adds idle and sleep draw over the whole horizon; energy_cost_lb
 *   the LP bound of bounds/energy.ts for this row's work with its cloud spend allowed;
 *   energy_cost_lb_guarantees the same for a schedule that also keeps every guarantee.
 * - cloud_cost: per-second billing from request to release; cloud_cost_lb the offline LP bound
 *   at spot (lib/planner/bounds); cloud_cost_lb_guarantees the budget-, ownership- and
 *   guarantee-aware one, boot rounded up (bounds/cloud-guarantees.ts).
 * - preview_latency_pct, first_frame_min: preview-latency.ts (window denominators, unfinished
 *   jobs censored at the horizon).
 * - guarantee_violation_min: client-minutes below guarantee with capacity given away (guarantees.ts);
 *   guarantee_short_lb_node_h the node-hours below guarantee that meeting deadlines forces
 *   (bounds/guarantee-short.ts): where 0, every guarantee client-minute was avoidable.
 * - throughput: reference work-hours finished per hour until the last finish.
 * - idle gap: seconds from a node freeing (with eligible work waiting) to its next start.
 */
import type { Bounds } from "./bounds/index.ts";
import { previewLatency } from "./preview-latency.ts";
import type { SimResult } from "./types.ts";

export interface MetricsRow {
  scenario: string;
  policy: string;
  jobs: number;
  /** Jobs that may burst (job and client allow cloud, client has budget). */
  cloud_allowed_jobs: number;
  misses: number;
  unavoidable_misses: number;
  avoidable_misses: number;
  failed_jobs: number;
  utilization: number;
  wc_violation_node_min: number;
  energy_kwh: number;
  energy_cost: number;
  energy_cost_lb: number;
  energy_lb_exact: boolean;
  /** The energy LP's value lies in [energy_cost_lb, energy_cost_lp_ub]. */
  energy_cost_lp_ub: number;
  energy_cost_lb_guarantees: number;
  energy_total_cost: number;
  cloud_node_hours: number;
  cloud_cost: number;
  cloud_cost_lb: number;
  cloud_cost_lb_guarantees: number;
  preview_latency_pct: number | null;
  first_frame_min: number | null;
  guarantee_violation_min: number;
  guarantee_short_lb_node_h: number;
  throughput_ref_hours_per_hour: number;
  makespan_hours: number;
  idle_gap_mean_sec: number | null;
  idle_gap_p95_sec: number | null;
  spot_interruptions: number;
  /** Rented nodes released before they ran a task (rent, then release unused). */
  unused_rentals: number;
  crashes: number;
  task_errors: number;
  rejected_assignments: number;
  plans: number;
  specialization_gain_pct?: number | null;
  /** The LP's best possible gain of placing the same backlog by kind (specialization.ts). */
  specialization_lp_gain_pct?: number | null;
}

const r3 = (x: number): number => Math.round(x * 1000) / 1000;

function p95(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(0.95 * (s.length - 1) + 0.5))]!;
}

export function lastFinishAt(res: SimResult): number {
  let t = res.startAt;
  for (const j of res.jobs) t = Math.max(t, j.finishedAt ?? res.endAt);
  return t;
}

export function metricsOf(res: SimResult, b: Bounds): MetricsRow {
  const t = res.tally;
  const late = res.jobs.filter((j) => j.late);
  const unavoidable = Math.min(late.length, b.missLowerBound);
  const energyLb = b.energyFor(t.cloudCost, res.jobs);
  const end = lastFinishAt(res);
  const spanH = (end - res.startAt) / 3600_000;
  const done = res.jobs.filter((j) => j.finishedAt !== null);
  const preview = previewLatency(res.jobs, res.endAt);
  const gaps = t.idleGapsSec;
  return {
    scenario: res.scenario, policy: res.policy, jobs: res.jobs.length, cloud_allowed_jobs: res.jobs.filter((j) => j.cloudAllowed).length,
    misses: late.length, unavoidable_misses: unavoidable, avoidable_misses: late.length - unavoidable,
    failed_jobs: res.jobs.filter((j) => j.failed).length,
    utilization: r3(t.availSlotSec > 0 ? t.busySlotSec / t.availSlotSec : 0),
    wc_violation_node_min: r3(t.wcViolationNodeSec / 60),
    energy_kwh: r3(t.workEnergyKWh), energy_cost: r3(t.workEnergyCost), energy_cost_lb: r3(energyLb), energy_lb_exact: true,
    energy_cost_lp_ub: r3(energyLb), energy_cost_lb_guarantees: r3(b.energyFor(t.cloudCost, res.jobs, true)),
    energy_total_cost: r3(t.energyCost),
    cloud_node_hours: r3(t.cloudNodeHours), cloud_cost: r3(t.cloudCost), cloud_cost_lb: r3(b.cloudCost), cloud_cost_lb_guarantees: r3(b.cloudCostGuarantees),
    preview_latency_pct: preview.pct === null ? null : r3(preview.pct), first_frame_min: preview.firstFrameMin === null ? null : r3(preview.firstFrameMin),
    guarantee_violation_min: r3(t.guaranteeViolationClientSec / 60), guarantee_short_lb_node_h: r3(b.guaranteeShortNodeHours),
    throughput_ref_hours_per_hour: r3(spanH > 0 ? done.reduce((s, j) => s + j.workSec, 0) / 3600 / spanH : 0),
    makespan_hours: r3(spanH),
    idle_gap_mean_sec: gaps.length ? r3(gaps.reduce((s, x) => s + x, 0) / gaps.length) : null,
    idle_gap_p95_sec: p95(gaps),
    spot_interruptions: t.spotInterruptions, unused_rentals: t.unusedRentals, crashes: t.crashes, task_errors: t.taskErrors,
    rejected_assignments: t.rejectedAssignments, plans: t.plans,
  };
}
