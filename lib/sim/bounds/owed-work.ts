/**
 * OWED WORK — how far a guaranteed client's work has surely got by each slot's end in a schedule
 * with 0 guarantee client-minutes, counted as the simulator counts them (guarantees.ts): a
 * client with pending work (work a plan deferred or held COUNTS) is owed
 * min(⌊g × on-prem slots⌋, demand, eligible slots) and may not run fewer beyond the grace.
 *
 * Work is measured per part p in units of one of its classes' node-hours, s_p (two scales: its
 * slowest class, local or rented, and its fastest): a node-hour of p on class k credits
 * max(1, s_p / w_pk) (w_pk = p's node-hours on k), at least 1, and does at most s_p / w_pk of
 * p's work in those units — so the credit P counts at least the work done, and any node running
 * any of the client's tasks adds at least 1 per hour. Take any set Q of the parts of the
 * client's jobs that the run finished, that wait for nothing (no dependencies) and that on-prem
 * nodes can run, each released at submission + D, D = max(grace, one slot, the longest task —
 * its attempts together, on its slowest class — of any other client's job submitted before:
 * what may hold the client's slots when it arrives, since nobody preempts); A(τ) = Q's work
 * released by τ, u its largest task, and in each slot R = min(⌊g × slots up all slot⌋, min over
 * Q's released parts of their eligible slots up all slot). The least progress is the trajectory
 *   f' = min(R, (A − f) / u),  f = 0 before the first release,
 * solved exactly within each slot (linear at rate R, then an exponential tail). Per scale, the
 * most of the trajectories of each distinct set of classes among the parts, Q = the parts that
 * may use at least those (a GPU part does not lower what a CPU-only set is owed).
 *
 * Why no such schedule does less (P = the client's cumulative credit, all its jobs, local or
 * rented): at any instant, if a released task of Q is pending the client runs at
 * least R on-prem nodes (else it is under-served: owed = min(guar, running + pending, eligible)
 * > running, a violation); if none of Q is pending, each of Q's N unfinished released tasks is
 * running. Either way P' ≥ min(R, N), and N ≥ (A − P) / u (an unfinished task holds at most u of
 * Q's work left, and P counts at least Q's work done). So P' ≥ min(R, (A − P) / u); the right
 * side is Lipschitz in P, so by comparison P ≥ f. The premise is the metric's, read as the serve
 * rows read it: past D the client is not left under-served while its eligible slots are all
 * busy with tasks started before it began waiting, nor with clients within their own guarantees
 * (possible only where eligibility differs or the shares' floors leave slots over); neither
 * blocklists nor repeated sub-grace gaps are modelled.
 *
 * Rows: z_t ≤ z_{t-1} + the client's credit in slot t; z_t + s_t ≥ f(end of slot t), s_t a
 * shortfall the caller prices (soft, like the serve rows).
 */
import type { Column } from "./flow-lp.ts";
import type { Lp } from "./lp.ts";
import { slotStart, type BoundJob, type BoundModel, type Part } from "./model.ts";

/** The two scales: a part's node-hours on its slowest and on its fastest class (local or rented). */
const SCALES: ((p: Part) => number)[] = [
  (p) => Math.max(...p.local.values(), ...p.cloud.values()),
  (p) => Math.min(...p.local.values(), ...p.cloud.values()),
];

/** A part's largest task in those units (a part of several steps: the whole part). */
function largestTask(p: Part, units: number): number {
  if (p.steps.length !== 1) return units;
  const hours = p.steps[0]!.hours;
  const sum = hours.reduce((s, h) => s + h, 0);
  return sum > 0 ? (hours[hours.length - 1]! / sum) * units : units;
}

/** Work after `h` hours of f' = min(R, (A − f)/u) from f. */
function advance(f: number, a: number, r: number, u: number, h: number): number {
  if (r <= 0 || h <= 0 || f >= a) return f;
  if (u <= 0) return Math.min(a, f + r * h);
  let gap = a - f;
  if (gap > r * u) {
    const linear = (gap - r * u) / r;
    if (h <= linear) return f + r * h;
    h -= linear;
    gap = r * u;
  }
  return a - gap * Math.exp(-h / u);
}

/** f at each slot's end for a client with share `share` owing `parts`, in units of `scale` (see above): R counts on the eligible slots of every one of them. */
export function owedTrajectory(m: BoundModel, share: number, parts: { releaseAt: number; part: Part }[], scale: (p: Part) => number): number[] {
  const releases = parts.map(({ releaseAt, part }) => ({ at: releaseAt, units: scale(part), task: largestTask(part, scale(part)), part }))
    .sort((x, y) => x.at - y.at);
  const out: number[] = [];
  let f = 0;
  let a = 0;
  let u = 0;
  let next = 0;
  for (let t = 0; t < m.slots; t++) {
    const start = slotStart(m, t);
    const end = start + m.slotMs;
    const total = m.local.reduce((s, c) => s + c.upAll[t]!, 0);
    let r = Math.floor(share * total + 1e-9);
    for (const x of releases) {
      if (x.at >= end) break;
      r = Math.min(r, [...x.part.local.keys()].reduce((s, k) => s + m.local[k]!.upAll[t]!, 0));
    }
    let now = start;
    for (;;) {
      while (next < releases.length && releases[next]!.at <= now) {
        a += releases[next]!.units;
        u = Math.max(u, releases[next]!.task);
        next++;
      }
      const until = next < releases.length ? Math.min(end, releases[next]!.at) : end;
      f = advance(f, a, r, u, (until - now) / 3600_000);
      now = until;
      if (now >= end) break;
    }
    out.push(f);
  }
  return out;
}

/**
 * The trajectory of one client per scale: the most of those of each set Q of its owed parts —
 * for each distinct set of local classes among them, the parts that may use at least those
 * classes (so R counts on that set's slots; the argument above holds for any Q, with P still
 * all the client's work, so P is at least the largest).
 */
export function owedTrajectories(m: BoundModel, share: number, jobs: BoundJob[], others: BoundJob[]): { scale: (p: Part) => number; f: number[] }[] {
  // D (above): work may wait for other clients' tasks already running when it arrives.
  const blockers = others.map((j) => ({ at: j.submitAt, ms: Math.max(0, ...j.parts.map((p) => largestTask(p, SCALES[0]!(p)))) * 3600_000 }));
  const releaseAt = (j: BoundJob): number => j.submitAt + Math.max(m.graceMs, m.slotMs, ...blockers.filter((b) => b.at < j.submitAt).map((b) => b.ms));
  const parts = jobs.filter((j) => !j.chained).flatMap((j) => j.parts.filter((p) => p.local.size > 0).map((part) => ({ releaseAt: releaseAt(j), part })));
  const sets = new Map<string, number[]>();
  for (const { part } of parts) sets.set([...part.local.keys()].sort((x, y) => x - y).join(","), [...part.local.keys()]);
  return SCALES.map((scale) => {
    const each = [...sets.values()].map((classes) => owedTrajectory(m, share, parts.filter(({ part }) => classes.every((k) => part.local.has(k))), scale));
    return { scale, f: Array.from({ length: m.slots }, (_, t) => Math.max(0, ...each.map((f) => f[t]!))) };
  });
}

/**
 * The owed-work rows for every guaranteed client (m: the model whose jobs are owed; cols over
 * `lpJobs`). Returns the shortfall columns, for the caller to price.
 */
export function owedWorkRows(m: BoundModel, lpJobs: BoundJob[], lp: Lp, cols: Column[]): string[] {
  const short: string[] = [];
  for (const client of m.clients) {
    if (client.guaranteedShare <= 0) continue;
    const bySlot = new Map<number, Column[]>();
    for (const c of cols) if (lpJobs[c.j]!.clientId === client.id) (bySlot.get(c.t) ?? bySlot.set(c.t, []).get(c.t)!).push(c);
    const id = client.id.replace(/\W/g, "_");
    const others = lpJobs.filter((j) => j.clientId !== client.id);
    owedTrajectories(m, client.guaranteedShare, m.jobs.filter((j) => j.clientId === client.id), others).forEach(({ scale, f }, q) => {
      let prev: string | null = null;
      let credit = new Map<string, number>();
      for (let t = 0; t < m.slots; t++) {
        for (const c of bySlot.get(t) ?? []) credit.set(c.name, -Math.max(1, c.perHour * scale(lpJobs[c.j]!.parts[c.p]!)));
        if (f[t]! <= 1e-9) continue;
        const z = `ow_${id}_${q}_${t}`;
        const s = `os_${id}_${q}_${t}`;
        const terms = new Map(credit).set(z, 1);
        if (prev) terms.set(prev, -1);
        lp.row(`owc_${id}_${q}_${t}`, terms, "<=", 0);
        lp.row(`owf_${id}_${q}_${t}`, new Map([[z, 1], [s, 1]]), ">=", f[t]!);
        short.push(s);
        prev = z;
        credit = new Map();
      }
    });
  }
  return short;
}
