/**
 * What matching work to hardware by kind is worth, measured the same way on both sides: our
 * planner (tariff timing off) with speeds and tags known vs hidden, on the scenario's work as a
 * fixed backlog — every job submitted at the start, no deadlines, no cloud on either side, a
 * horizon long enough to finish — so
 * throughput (reference work-hours per hour to the last finish) measures matching alone, not
 * arrivals, deadline pressure or rented nodes. Beside it, the LP's best possible gain on the same
 * backlog: the throughput of the least fluid makespan with work placed by kind (below) over the
 * kind-blind arm's measured throughput, minus 1 — the ceiling the measured gain can reach.
 */
import { boundModel } from "./bounds/model.ts";
import { Lp, type LpSolver } from "./bounds/lp.ts";
import type { Scenario } from "./types.ts";

/** The scenario's work released at once, with three times the horizon so the backlog can finish. */
export function backlogOf(sc: Scenario): Scenario {
  return {
    ...sc, name: `${sc.name} (backlog)`, endAt: sc.startAt + 3 * (sc.endAt - sc.startAt), cloudOffers: [], events: sc.events.filter((e) => e.type === "crash"),
    jobs: sc.jobs.map((j) => ({ ...j, submitAt: sc.startAt, job: { ...j.job, submittedAt: sc.startAt, deadlineAt: null, cloudAllowed: false } })),
  };
}

/**
 * The least fluid makespan of the backlog, hours, with work placed by kind (an LP: min T,
 * Σ_j x_jk ≤ N_k·T, Σ_k x_jk ≤ tasks_j·T, Σ_k x_jk ÷ w_jk ≥ 1): no schedule finishes sooner, so
 * work ÷ T is the best throughput any placement reaches.
 */
export function lpBacklogMakespanH(sc: Scenario, solve: LpSolver): number | null {
  const m = boundModel(backlogOf(sc), 60);
  const N = m.local.map((c) => Math.max(0, ...c.nodes));
  const parts = m.jobs.flatMap((j) => j.parts).filter((p) => [...p.local.keys()].some((k) => N[k]! > 0));
  if (parts.length === 0) return null;
  const lp = new Lp();
  lp.cost("T", 1);
  const cap = N.map(() => new Map<string, number>());
  parts.forEach((p, j) => {
    const cover = new Map<string, number>();
    const par = new Map<string, number>();
    for (const [k, w] of p.local) {
      if (N[k]! <= 0) continue;
      cover.set(`x${j}_${k}`, 1 / w);
      par.set(`x${j}_${k}`, 1);
      cap[k]!.set(`x${j}_${k}`, 1);
    }
    lp.row(`cover${j}`, cover, ">=", 1);
    par.set("T", -p.tasks);
    lp.row(`par${j}`, par, "<=", 0);
  });
  cap.forEach((terms, k) => { if (terms.size > 0) { terms.set("T", -N[k]!); lp.row(`cap${k}`, terms, "<=", 0); } });
  const r = solve(lp.text(), {});
  return r.status === "Optimal" && r.objective > 0 ? r.objective : null;
}
