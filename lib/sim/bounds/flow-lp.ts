/**
 * The time-expanded fluid schedule the simulator's bounds share (Δ = slot length in hours):
 *   x_j_p_k_t  node-hours of job j's part p on local class k in slot t
 *   y_j_p_o_t  node-hours on rented offer o in slot t (cloud-allowed jobs only)
 * with capacity per local class and slot (nodes up in the slot), the offer's instance limit per
 * slot, per-part parallelism (at most `tasks` nodes, for only the part of the slot after its
 * submission — and for cloud after submission + boot — and before its end), per-client budgets
 * (spot price) and optionally a cap on total cloud spend and the guarantee reservation below.
 * Columns before a job's due instant are on time; `late: true` adds columns after it, up to the
 * horizon. Each bound adds its own cover rows and objective.
 *
 * GUARANTEES (optional). While a client surely has demand its guarantee is owed: in slot t it
 * surely has at least dem_ct tasks unfinished at the slot's end, over its jobs submitted before
 * the slot (surelyUnfinished: what even every node it may use could not have finished). Other
 * clients then use at most (eligible nodes − min(⌊g × nodes⌋, dem_ct, eligible nodes)) of the
 * classes it can use. Reservations start one slot after submission (work already running when a
 * client arrives is not preempted). With `serveGuarantees` the client must also run that many
 * nodes (its own columns in the slot, on-prem on those classes or rented: work on rented nodes is
 * not pending) — a schedule with no guarantee client-minutes defers none of its owed work for a
 * cheaper hour — and both rows turn soft: one shortfall column per client and slot (node-hours
 * the client goes without), which the caller prices. "Surely has demand" is the loose reading
 * (what no schedule can have finished); the guarantee metric owes a client while it has ANY
 * pending work, deferred included — `owedWork` adds that reading (owed-work.ts: cumulative
 * rows, the client's work keeps up with its owed rate until its released work is done).
 */
import { Lp } from "./lp.ts";
import { overlap, slotStart, type BoundJob, type BoundModel, type Part } from "./model.ts";
import { owedWorkRows } from "./owed-work.ts";

export interface Column { name: string; j: number; p: number; cloud: boolean; k: number; t: number; late: boolean; perHour: number }

export interface FlowSpec {
  jobs: BoundJob[];
  /** Add columns after each deadline, up to the horizon (flagged late). */
  late: boolean;
  /** Cloud usable from submit + boot rounded UP to the next slot start (else from the instant). */
  bootWholeSlots?: boolean;
  cloudSpendCap?: number;
  guarantees?: boolean;
  /** With guarantees: the client also USES its owed nodes (no deferral), softly (see below). */
  serveGuarantees?: boolean;
  /** Each guaranteed client's work keeps up with what it is owed (owed-work.ts), softly. */
  owedWork?: boolean;
}

export interface Flow {
  lp: Lp;
  cols: Column[];
  dueOf: (j: BoundJob) => number;
  /** With serveGuarantees / owedWork: the shortfall column of each serve / owed-work row, for a penalty. */
  guaranteeShort: string[];
}

export function flowLp(m: BoundModel, spec: FlowSpec): Flow {
  const lp = new Lp();
  const dh = m.slotMs / 3600_000;
  const dueOf = (j: BoundJob) => Math.min(m.endAt, j.dueAt ?? m.endAt);
  const cols: Column[] = [];
  const cap = new Map<string, Map<string, number>>();
  const addTo = (key: string, v: string, c: number) => (cap.get(key) ?? cap.set(key, new Map()).get(key)!).set(v, c);
  spec.jobs.forEach((job, j) => {
    const due = dueOf(job);
    const end = spec.late ? m.endAt : due;
    job.parts.forEach((part, p) => {
      const P = part.tasks;
      const t0 = Math.max(0, Math.floor((job.submitAt - m.startAt) / m.slotMs));
      const t1 = Math.min(m.slots, Math.ceil((end - m.startAt) / m.slotMs));
      for (let t = t0; t < t1; t++) {
        const fAll = overlap(m, t, job.submitAt, end);
        if (fAll <= 0) continue;
        const par = new Map<string, number>();
        const onTime = new Map<string, number>();
        for (const late of spec.late && job.dueAt !== null ? [false, true] : [false]) {
          const from = late ? Math.max(job.submitAt, due) : job.submitAt;
          const to = late ? m.endAt : due;
          const f = overlap(m, t, from, to);
          if (f <= 0) continue;
          for (const [k, w] of part.local) {
            const nodes = m.local[k]!.nodes[t]!;
            if (nodes <= 0) continue;
            const name = `x${j}_${p}_${k}_${t}${late ? "l" : ""}`;
            cols.push({ name, j, p, cloud: false, k, t, late, perHour: 1 / w });
            lp.bound(name, Math.min(P, nodes) * dh * f);
            par.set(name, 1);
            if (!late) onTime.set(name, 1);
            addTo(`cap_${k}_${t}`, name, 1);
          }
          for (const [o, w] of part.cloud) {
            const c = m.cloud[o]!;
            let ready = job.submitAt + c.bootSec * 1000;
            if (spec.bootWholeSlots) ready = slotStart(m, Math.ceil((ready - m.startAt) / m.slotMs));
            const fc = overlap(m, t, Math.max(from, ready), to);
            if (fc <= 0) continue;
            const name = `y${j}_${p}_${o}_${t}${late ? "l" : ""}`;
            cols.push({ name, j, p, cloud: true, k: o, t, late, perHour: 1 / w });
            lp.bound(name, Math.min(P, c.maxNodes) * dh * fc);
            par.set(name, 1);
            if (!late) onTime.set(name, 1);
            addTo(`ccap_${o}_${t}`, name, 1);
          }
        }
        lp.row(`par${j}_${p}_${t}`, par, "<=", P * dh * fAll);
        const fOn = overlap(m, t, job.submitAt, due);
        if (spec.late && fOn < fAll && onTime.size > 0) lp.row(`pon${j}_${p}_${t}`, onTime, "<=", P * dh * fOn);
      }
    });
  });
  for (const [key, terms] of cap) {
    const [kind, i, t] = key.split("_");
    const limit = kind === "cap" ? m.local[Number(i)]!.nodes[Number(t)]! : m.cloud[Number(i)]!.maxNodes;
    if (terms.size > 1 || kind === "ccap") lp.row(key, terms, "<=", limit * dh);
  }
  spendRows(m, spec, lp, cols);
  const guaranteeShort = spec.guarantees ? guaranteeRows(m, spec, lp, cols) : [];
  if (spec.owedWork) guaranteeShort.push(...owedWorkRows(m, spec.jobs, lp, cols));
  return { lp, cols, dueOf, guaranteeShort };
}

function spendRows(m: BoundModel, spec: FlowSpec, lp: Lp, cols: Column[]): void {
  const total = new Map<string, number>();
  const byClient = new Map<string, Map<string, number>>();
  for (const c of cols) {
    if (!c.cloud) continue;
    const price = m.cloud[c.k]!.pricePerHour;
    total.set(c.name, price);
    const id = spec.jobs[c.j]!.clientId;
    (byClient.get(id) ?? byClient.set(id, new Map()).get(id)!).set(c.name, price);
  }
  for (const [id, terms] of byClient) {
    const budget = m.clients.find((c) => c.id === id)?.cloudBudgetLeft ?? 0;
    lp.row(`budget_${id.replace(/\W/g, "_")}`, terms, "<=", budget);
  }
  if (spec.cloudSpendCap !== undefined) lp.row("spend", total, "<=", spec.cloudSpendCap);
}

function guaranteeRows(m: BoundModel, spec: FlowSpec, lp: Lp, cols: Column[]): string[] {
  const dh = m.slotMs / 3600_000;
  const short: string[] = [];
  for (const client of m.clients) {
    if (client.guaranteedShare <= 0) continue;
    const mine = m.jobs.filter((j) => j.clientId === client.id);
    const classes = new Set<number>();
    for (const j of mine) for (const p of j.parts) for (const k of p.local.keys()) classes.add(k);
    if (classes.size === 0) continue;
    const byT = new Map<number, Map<string, number>>();
    const ownByT = new Map<number, Map<string, number>>();
    for (const c of cols) {
      const own = spec.jobs[c.j]!.clientId === client.id;
      if (own) (ownByT.get(c.t) ?? ownByT.set(c.t, new Map()).get(c.t)!).set(c.name, 1);
      else if (!c.cloud && classes.has(c.k)) (byT.get(c.t) ?? byT.set(c.t, new Map()).get(c.t)!).set(c.name, 1);
    }
    const id = client.id.replace(/\W/g, "_");
    for (const t of new Set([...byT.keys(), ...ownByT.keys()])) {
      const a = slotStart(m, t);
      const b = a + m.slotMs;
      let demand = 0;
      for (const j of mine) {
        if (j.submitAt + m.slotMs > a) continue;
        for (const p of j.parts) demand += surelyUnfinished(m, p, (b - j.submitAt) / 3600_000);
      }
      if (demand === 0) continue;
      const total = m.local.reduce((s, c) => s + c.nodes[t]!, 0);
      const eligible = [...classes].reduce((s, k) => s + m.local[k]!.nodes[t]!, 0);
      const owed = Math.min(Math.floor(client.guaranteedShare * total + 1e-9), demand, eligible);
      if (owed <= 0) continue;
      const others = new Map(byT.get(t) ?? []);
      const s = `gs_${id}_${t}`;
      if (spec.serveGuarantees) {
        short.push(s);
        others.set(s, -1);
        lp.row(`gu_${id}_${t}`, new Map([...(ownByT.get(t) ?? []), [s, 1]]), ">=", owed * dh);
      }
      if (byT.has(t)) lp.row(`g_${id}_${t}`, others, "<=", (eligible - owed) * dh);
    }
  }
  return short;
}

/**
 * Tasks of a part no schedule can have finished `hours` after its submission: even with every
 * node it may use (each local class at its most nodes, each offer at its instance limit) and
 * its shortest tasks first, a finished task lasted at most `hours` on its fastest class and the
 * finished ones together at most nodes × `hours` (a node runs one task at a time).
 */
export function surelyUnfinished(m: BoundModel, p: Part, hours: number): number {
  let nodes = 0;
  for (const k of p.local.keys()) nodes += Math.max(0, ...m.local[k]!.nodes);
  for (const o of p.cloud.keys()) nodes += m.cloud[o]!.maxNodes;
  let done = 0;
  let busy = 0;
  for (let i = p.taskHours.length - 1; i >= 0; i--) {
    const h = p.taskHours[i]!;
    if (h > hours || busy + h > nodes * hours) break;
    busy += h;
    done++;
  }
  return p.taskHours.length - done;
}
