/**
 * The planner of record across cycles, for the planner Lambda and the local farm. Every planning
 * cycle solves the LP (HiGHS), except one that only has to hand out work the last solve already
 * planned: the recorded solution is replayed (plan-of-record.ts) when ALL of these hold —
 *   1. every trigger since the record is a settled task (a frame done, a node freed), not an edit,
 *      submission, node or cloud change; the one-minute schedule is not a settled task, so it solves;
 *   2. the record is less than a minute old;
 *   3. the farm has the same shape (the same jobs, clients and nodes in the same states);
 *   4. the 5-minute slot boundary of the LP's grid (lib/planner/lp/slots.ts) has not passed.
 * Otherwise it solves. A model of another size still solves rather than replays. Without a solver
 * (the WASM did not load), or when the solver fails, the greedy passes plan: counted, and said.
 */
import { plan, type LpModel, type LpSolution, type LpSolver, type Plan, type SolveOptions, type Policy, type Snapshot } from "../planner/index.ts";
import { recording, replay, type LpRecord } from "./plan-of-record.ts";

export type PlanWay = "solved" | "replayed" | "greedy";

export interface PlanOutcome {
  way: PlanWay;
  /** Why this way, in a sentence (logs). */
  why: string;
}

export interface ReplayFacts {
  now: number;
  /** Triggers since the record was made (this cycle's included). */
  triggers: readonly string[];
  /** farmShape() of this cycle's snapshot. */
  shape: string;
}

interface Record {
  at: number;
  shape: string;
  lp: LpRecord;
}

const maxAgeMs = 60_000;
const slotMs = 5 * 60_000;

/** A settled task's trigger, as settle-task.ts and poll-agent.ts word it. */
export function isSettledTaskTrigger(reason: string): boolean {
  return /^task \S+ (succeeded|failed|interrupted|canceled)$/.test(reason) || /^node \S+ settled \d+ task\(s\)$/.test(reason);
}

/**
 * What makes a recorded solution mean the same plan: which jobs, clients and nodes, each node's
 * state, and everything an edit changes (deadline, priority, suspension, approval, dependencies,
 * cloud permission, shares). Progress (tasks done, budget spent) is left out: that is what a replay
 * hands out. The edits are in the shape, not only in the triggers, because several planner
 * containers each keep their own record: one that never saw another's edit trigger still sees the edit here.
 */
export function farmShape(s: Snapshot): string {
  const jobs = s.jobs.map((j) =>
    [j.id, j.suspended ? "~" : "", j.priority, j.deadlineAt ?? "-", j.cloudAllowed ? "c" : "", j.preview.approval, j.dependsOn.join("+"), j.blockedBy?.length ?? 0].join(":")).sort();
  const nodes = s.nodes.map((n) => `${n.id}:${n.status}:${n.pool}`).sort();
  const clients = s.clients.map((c) => `${c.id}:${c.guaranteedShare}:${c.maxShare}:${c.cloudAllowed ? "c" : ""}`).sort();
  return `${jobs.join(",")}|${nodes.join(",")}|${clients.join(",")}`;
}

/** Replay or solve: null to replay, else the sentence saying why this cycle solves. */
export function whySolve(record: { at: number; shape: string } | null, f: ReplayFacts): string | null {
  if (!record) return "no plan of record yet";
  const other = f.triggers.find((t) => !isSettledTaskTrigger(t));
  if (other !== undefined) return `trigger "${other}" is not a settled task`;
  if (f.now - record.at >= maxAgeMs) return "the plan of record is a minute old";
  if (Math.floor(f.now / slotMs) !== Math.floor(record.at / slotMs)) return "a 5-minute slot boundary has passed";
  if (f.shape !== record.shape) return "the farm's shape changed";
  return null;
}

export class RollingPlanOfRecord {
  readonly counts: { [w in PlanWay]: number } = { solved: 0, replayed: 0, greedy: 0 };
  last: PlanOutcome | null = null;
  private solver: LpSolver | null = null;
  private record: Record | null = null;
  /** Triggers since the record (so a replay sees every change since the solve, across cycles). */
  private since: string[] = [];

  /** `noSolverWhy`: the sentence for a cycle without a solver (e.g. the local farm's `--greedy`). */
  constructor(
    private readonly loadSolver: () => Promise<LpSolver | null>,
    private readonly noSolverWhy = "no LP solver (HiGHS did not load): the greedy passes planned",
  ) {}

  /** Loads the solver (once; a failed load is null: every cycle then plans greedily). */
  async ready(): Promise<void> {
    this.solver ??= await this.loadSolver().catch(() => null);
  }

  /**
   * A cycle that did not plan (another planner held the lock) still had triggers: they count
   * toward the next cycle's decision.
   */
  skipped(triggers: readonly string[]): void {
    if (this.record) this.since.push(...triggers);
  }

  plan(snapshot: Snapshot, policy: Policy, now: number, triggers: readonly string[]): Plan {
    this.since.push(...triggers);
    // Without a solver there is no record to replay, so nothing to remember (a long-lived container stays small).
    if (!this.solver) { this.since = []; return this.done(plan(snapshot, policy, now), { way: "greedy", why: this.noSolverWhy }); }
    const shape = farmShape(snapshot);
    const whySolving = whySolve(this.record, { now, triggers: this.since, shape });
    const rec = recording(this.solver);
    let replayed = false;
    const solver: LpSolver = whySolving !== null ? rec : {
      solve: (model: LpModel, options: SolveOptions): LpSolution => {
        const answer = replay(this.record!.lp).solve(model, options);
        if (answer.status === "optimal") { replayed = true; return answer; }
        return rec.solve(model, options);
      },
    };
    const result = plan(snapshot, policy, now, { solver });
    if (result.planner?.mode !== "lp") {
      this.record = null;
      this.since = [];
      return this.done(result, { way: "greedy", why: result.planner?.reason ?? "the greedy passes planned" });
    }
    if (replayed) return this.done(result, { way: "replayed", why: "only settled tasks since a fresh plan of record of the same farm" });
    if (rec.last) {
      this.record = { at: now, shape, lp: rec.last };
      this.since = [];
    }
    return this.done(result, { way: "solved", why: whySolving ?? "the plan of record no longer fits the model" });
  }

  private done(result: Plan, outcome: PlanOutcome): Plan {
    this.counts[outcome.way] += 1;
    this.last = outcome;
    return result;
  }
}
