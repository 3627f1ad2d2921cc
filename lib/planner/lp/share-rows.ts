import type { Snapshot } from "../types.ts";
import { bestSpeed, type Group } from "./groups.ts";
import type { Resource } from "./resources.ts";
import type { SlotGrid } from "./slots.ts";
import type { LpBuilder } from "./solver.ts";
import { lpKey, ROW } from "./lp-keys.ts";

/** Guarantees bind over the first four hours: beyond them the rolling horizon re-plans anyway. */
const GUARANTEE_HORIZON_MS = 4 * 3600_000;

export interface ShareRowsInput {
  groups: readonly Group[];
  resources: readonly Resource[];
  grid: SlotGrid;
  snapshot: Snapshot;
  /** Guaranteed and maximum fraction of on-prem slots per client (after scaling to 100%). */
  guarantee: Map<string, number>;
  maxShare: Map<string, number>;
  now: number;
  /** No client may rent and guarantees come before tariff timing: guarantees count the client's running leases too (the simulator's accounting). */
  leasesCount?: boolean;
}

export interface ShareRows {
  /** Per client with a cap below 1: its row per slot (new on-prem work ≤ cap − hours its leases hold). */
  shareRow: Map<string, number[]>;
  /** Per client with a guarantee: its row per slot of the first four hours (new on-prem work ≥ target). */
  guarRow: Map<string, number[]>;
  /** Clients in index order (the `short` columns' `g`). */
  clientIds: string[];
}

/**
 * Shares in work, as fractions of the on-prem capacity free in each slot (the whole farm minus
 * the hours running leases still hold; asleep nodes count, they can be woken):
 * - cap, every slot: the client's new work ≤ maxShare × that capacity;
 * - guarantee, the first four hours, soft (a `short` column per row, priced below misses, cloud
 *   and energy; where no client may rent and guarantees come before tariff timing, above energy): its new work ≥ guarantee × that capacity, capped by the free capacity of the
 *   classes its work can use (a GPU-only client is not owed CPU boxes), its work left and its tasks;
 *   where no client may rent and guarantees come before tariff timing (`leasesCount`), the simulator's accounting instead: guarantee × the whole
 *   farm (running leases' hours included) less the hours its own leases hold. There no deadline can
 *   turn into a rental and the LP's misses (≫ guarantees) keep the deadlines: mixed-short-long 453 →
 *   420 guarantee client-minutes, kind-mix 101 → 68, off-hours-energy 58 → 27 (default seed), no miss.
 * Measured and rejected: the whole farm with only the client's own leases counted toward it
 * (the simulator's accounting) pushes other clients' deadline work to the last moment and cost
 * mixed-short-long a miss (S20), though it cut guarantee client-minutes; measured again with the
 * guarantee rule running while clients may rent, it cut them further (trace-replay 1104 → 381,
 * deadline-change 341 → 178, competing-deadlines 1769 → 1175) but client-conflict and
 * delivery-burst each missed a deadline and competing-deadlines rented 1.9% more. Measured a third
 * time, with the guard counting all owed clients together: competing-deadlines 1684 → 1162 and
 * peak-exhaustion 1066 → 860, but competing-deadlines rented 4.6% more and client-conflict's B1 (no
 * cloud, 120 reference hours due in 10 h) ended 76 s late — why: the rows spend the on-prem slack the
 * LP kept ahead of deadline work (only the tiny "earlier" term keeps it otherwise), so the fluid plan
 * finishes B1 in its due slot and runtime spread does the rest. Pricing the rows above energy
 * (0.2 per slot-hour) ran deferrable work at the dear hours: off-hours-energy spent more than the
 * tariff-blind run, competing-deadlines rented 26% more, peak-exhaustion missed a deadline.
 */
export function addShareRows(lp: LpBuilder, input: ShareRowsInput): ShareRows {
  const { groups, resources, grid, now } = input;
  const T = grid.count;
  const farmH = grid.hours.map((_, t) => resources.reduce((s, r) => s + r.readyHours[t]! + r.asleepHours[t]!, 0));

  const byClient = new Map<string, Group[]>();
  for (const g of groups) byClient.set(g.clientId, [...(byClient.get(g.clientId) ?? []), g]);
  const shareRow = new Map<string, number[]>();
  const guarRow = new Map<string, number[]>();
  const clientIds = [...byClient.keys()].sort();
  const leaseH = input.leasesCount ? leaseHours(input.snapshot, grid, now) : null;
  const allLeaseH = leaseH ? grid.hours.map((_, t) => [...leaseH.values()].reduce((s, h) => s + h[t]!, 0)) : null;
  for (const [ci, c] of clientIds.entries()) {
    const m = input.maxShare.get(c) ?? 1;
    if (m < 1) shareRow.set(c, grid.hours.map((_, t) => lp.addRow(-Infinity, m * farmH[t]!, lpKey(ROW.share, ci, -1, t))));
    const gShare = input.guarantee.get(c) ?? 0;
    if (gShare <= 0) continue;
    const mine = byClient.get(c)!;
    const eligible = new Set<Resource>();
    for (const g of mine) for (const r of g.resources) eligible.add(r);
    let left = 0;
    let tasks = 0;
    // Work left in node-hours on the group's fastest on-prem class where no client may rent: counted in
    // reference hours, the rows owed slow classes more slot-hours than fast ones (the client's work lasts
    // longer there), so the LP ran owed work on slow, energy-wasteful hardware to keep the later rows.
    for (const g of mine) if (g.releaseSlot === 0) { left += input.leasesCount && g.resources.length > 0 ? g.workH / bestSpeed(g.resources, [], g.kind) : g.workH; tasks += g.tasks; }
    const rows: number[] = [];
    for (let t = 0; t < T && grid.startAt[t]! < now + GUARANTEE_HORIZON_MS; t++) {
      let cap = 0;
      for (const r of eligible) cap += r.readyHours[t]! + r.asleepHours[t]!;
      const owed = leaseH ? gShare * (farmH[t]! + allLeaseH![t]!) - (leaseH.get(c)?.[t] ?? 0) : gShare * farmH[t]!;
      const target = Math.max(0, Math.min(owed, cap, left, tasks * grid.hours[t]!));
      rows[t] = lp.addRow(target, Infinity, lpKey(ROW.guar, ci, -1, t));
      left -= target;
    }
    guarRow.set(c, rows);
  }
  return { shareRow, guarRow, clientIds };
}

/** On-prem slot-hours per client and slot its running leases hold (till their expected end). */
function leaseHours(snapshot: Snapshot, grid: SlotGrid, now: number): Map<string, number[]> {
  const clientOf = new Map(snapshot.jobs.map((j) => [j.id, j.clientId]));
  const out = new Map<string, number[]>();
  for (const n of snapshot.nodes) {
    if (n.pool !== "onprem" || n.status === "offline" || n.status === "disabled") continue;
    for (const l of n.leases) {
      const c = clientOf.get(l.jobId);
      if (c === undefined) continue;
      let h = out.get(c);
      if (!h) out.set(c, (h = new Array<number>(grid.count).fill(0)));
      for (let t = 0; t < grid.count && grid.startAt[t]! < l.expectedEndAt; t++) h[t]! += Math.max(0, Math.min(l.expectedEndAt, grid.startAt[t + 1]!) - Math.max(now, grid.startAt[t]!)) / 3600_000;
    }
  }
  return out;
}
