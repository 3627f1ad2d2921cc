import type { Snapshot } from "../types.ts";
import type { Group } from "./groups.ts";
import type { Resource } from "./resources.ts";
import type { SlotGrid } from "./slots.ts";
import type { LpBuilder } from "./solver.ts";

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
 * Shares in work, as fractions of the WHOLE on-prem farm (every slot of every node that is not
 * offline or disabled, busy or not), the client's own running leases counted toward them, as the
 * simulator's guarantee accounting does: a client owed half the farm while another client's
 * leases hold most of it is still owed half, not half of what happens to be free.
 * - cap, every slot: its new work ≤ maxShare × farm hours − hours its leases hold;
 * - guarantee, the first four hours, soft (a `short` column per row): its new work ≥ guarantee ×
 *   farm hours − hours its leases hold, capped by the free capacity of the classes its work can
 *   use (a GPU-only client is not owed CPU boxes), by its work left, and by its tasks.
 */
export function addShareRows(lp: LpBuilder, input: ShareRowsInput): ShareRows {
  const { groups, grid, snapshot, now } = input;
  const T = grid.count;
  const farmH = new Array<number>(T).fill(0);
  const clientOfJob = new Map(snapshot.jobs.map((j) => [j.id, j.clientId]));
  const leaseH = new Map<string, number[]>();
  for (const n of snapshot.nodes) {
    if (n.pool !== "onprem" || n.status === "offline" || n.status === "disabled") continue;
    for (let t = 0; t < T; t++) farmH[t]! += n.slots * grid.hours[t]!;
    for (const l of n.leases) {
      const c = clientOfJob.get(l.jobId);
      if (c === undefined) continue;
      let arr = leaseH.get(c);
      if (!arr) leaseH.set(c, (arr = new Array<number>(T).fill(0)));
      for (let t = 0; t < T && grid.startAt[t]! < l.expectedEndAt; t++) {
        arr[t]! += (Math.min(grid.startAt[t + 1]!, l.expectedEndAt) - Math.max(grid.startAt[t]!, now)) / 3600_000;
      }
    }
  }
  const held = (c: string, t: number) => leaseH.get(c)?.[t] ?? 0;

  const byClient = new Map<string, Group[]>();
  for (const g of groups) byClient.set(g.clientId, [...(byClient.get(g.clientId) ?? []), g]);
  const shareRow = new Map<string, number[]>();
  const guarRow = new Map<string, number[]>();
  const clientIds = [...byClient.keys()].sort();
  for (const c of clientIds) {
    const m = input.maxShare.get(c) ?? 1;
    if (m < 1) shareRow.set(c, grid.hours.map((_, t) => lp.addRow(-Infinity, Math.max(0, m * farmH[t]! - held(c, t)))));
    const gShare = input.guarantee.get(c) ?? 0;
    if (gShare <= 0) continue;
    const mine = byClient.get(c)!;
    const eligible = new Set<Resource>();
    for (const g of mine) for (const r of g.resources) eligible.add(r);
    let left = 0;
    let tasks = 0;
    for (const g of mine) if (g.releaseSlot === 0) { left += g.workH; tasks += g.tasks; }
    const rows: number[] = [];
    for (let t = 0; t < T && grid.startAt[t]! < now + GUARANTEE_HORIZON_MS; t++) {
      let cap = 0;
      for (const r of eligible) cap += r.readyHours[t]! + r.asleepHours[t]!;
      const target = Math.max(0, Math.min(gShare * farmH[t]! - held(c, t), cap, left, tasks * grid.hours[t]!));
      rows[t] = lp.addRow(target, Infinity);
      left -= target;
    }
    guarRow.set(c, rows);
  }
  return { shareRow, guarRow, clientIds };
}
