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
 * The least fluid makespan of the backlog, hours, with work placed by kind: no schedule finishes
 * sooner, so work ÷ T is the best throughput any placement reaches. Capacity is the bound model's
 * per hour — a node counts in an hour unless it is down for the whole of it — so a failure both
 * arms live through (hardware-failure: three of six GPU nodes down 8 h) bounds the best too;
 * counting every node up at all times promised +58% there that no placement could reach. The
 * fewest whole hours S the work fits in (an LP per S: Σ_j x_jkt ≤ N_kt, Σ_k x_jkt ≤ tasks_j,
 * Σ_kt x_jkt ÷ w_jk ≥ 1; fitting is monotone in S), then the least used fraction f of hour S:
 * T = S − 1 + f.
 */
export function lpBacklogMakespanH(sc: Scenario, solve: LpSolver): number | null {
  const m = boundModel(backlogOf(sc), 60);
  const up = (k: number) => m.local[k]!.nodes.some((n) => n > 0);
  const parts = m.jobs.flatMap((j) => j.parts).filter((p) => [...p.local.keys()].some(up));
  if (parts.length === 0) return null;
  const slotH = m.slotMs / 3600_000;
  const lastFraction = (S: number): number | null => {
    const lp = new Lp();
    lp.cost("f", 1);
    lp.bound("f", 1);
    const cap = new Map<string, Map<string, number>>();
    parts.forEach((p, j) => {
      const cover = new Map<string, number>();
      for (let t = 0; t < S; t++) {
        const par = new Map<string, number>();
        for (const [k, w] of p.local) {
          if (m.local[k]!.nodes[t]! <= 0) continue;
          const x = `x${j}_${k}_${t}`;
          cover.set(x, 1 / w);
          par.set(x, 1);
          const key = `${k}_${t}`;
          (cap.get(key) ?? cap.set(key, new Map()).get(key)!).set(x, 1);
        }
        // The last hour is used for its fraction f only.
        if (t === S - 1) { par.set("f", -p.tasks * slotH); lp.row(`par${j}_${t}`, par, "<=", 0); }
        else lp.row(`par${j}_${t}`, par, "<=", p.tasks * slotH);
      }
      lp.row(`cover${j}`, cover, ">=", 1);
    });
    for (const [key, terms] of cap) {
      const [k, t] = key.split("_").map(Number) as [number, number];
      const n = m.local[k]!.nodes[t]! * slotH;
      if (t === S - 1) { terms.set("f", -n); lp.row(`cap${key}`, terms, "<=", 0); }
      else lp.row(`cap${key}`, terms, "<=", n);
    }
    const r = solve(lp.text(), {});
    return r.status === "Optimal" ? r.objective : null;
  };
  if (lastFraction(m.slots) === null) return null;
  let lo = 1;
  let hi = m.slots;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (lastFraction(mid) !== null) hi = mid;
    else lo = mid + 1;
  }
  const T = (lo - 1 + lastFraction(lo)!) * slotH;
  return T > 0 ? T : null;
}
