import type { Client, FarmNode, Snapshot } from "../types.ts";
import { speedOf } from "../matching/node-classes.ts";
import type { Group } from "./groups.ts";
import { type CloudResource, heldCloud, type Resource } from "./resources.ts";
import type { SlotGrid } from "./slots.ts";
import { creditEnd, creditSlot } from "./credit.ts";
import { addFarmRows } from "./farm-rows.ts";
import { addShareRows } from "./share-rows.ts";
import { type ColKind, ColTable } from "./col-table.ts";
import { LpBuilder, type LpModel } from "./solver.ts";
import { lpKey, ROW } from "./lp-keys.ts";
import { WEIGHTS } from "./weights.ts";

export { type ColInfo, type ColKind, ColTable } from "./col-table.ts";

export interface BuiltModel {
  model: LpModel;
  cols: ColTable;
  /** Row indices worth naming in reasons. */
  capRow: number[][];
  shareRow: Map<string, number[]>;
  budgetRow: Map<string, number>;
  /** Clients that rent, by index used in ColInfo for `rent`. */
  clients: Client[];
  /** Per row, its name across the cycle's models (lp-keys.ts). */
  rowKeys: Float64Array;
}

export interface ModelInput {
  groups: readonly Group[];
  resources: readonly Resource[];
  clouds: readonly CloudResource[];
  grid: SlotGrid;
  /** Per slot, energy price for energy-intensive work (tariff) and for the rest (flat). */
  priceTimed: number[];
  priceFlat: number[];
  snapshot: Snapshot;
  /** Guaranteed and maximum fraction of on-prem slots per client (after scaling to 100%). */
  guarantee: Map<string, number>;
  maxShare: Map<string, number>;
  now: number;
  /**
   * Credit work when its task ends on its hardware (credit.ts). On by default (false turns it off):
   * with the dispatch's work-conserving fill kept off nodes too slow for a deadline
   * (tail-rule.ts lateOnlyHere), it fixes delivery-burst's miss and adds none anywhere.
   */
  completionCredit?: boolean;
  /**
   * Groups (by index) whose deadline work the LP may plan past the deadline, each hour late priced
   * (WEIGHTS.latePerRefHourHour, weights.ts): those that miss (solve-lateness.ts re-solves with them). Others' columns
   * end at their last deadline, so a plan without misses keeps its shape.
   */
  late?: ReadonlySet<number>;
  /**
   * Guarantees come before tariff timing (policy.guaranteeRule "before-tariff") on a farm where no client may
   * rent (lp-problem.ts mayRent): guarantees in the simulator's accounting, a slot-hour priced above energy.
   */
  guaranteesFirst?: boolean;
  /** The snapshot's rented nodes, found once per problem (lp-problem.ts): a lateness re-build does not scan the farm again. */
  cloudNodes?: readonly FarmNode[];
}

const INF = Infinity;

/** Reference hours of the group due by the end of slot t (work due before its release counts at the release). */
function dueTotal(g: Group, t: number): number {
  let h = 0;
  g.dueBySlot.forEach((hours, slot) => { if (Math.max(slot, g.releaseSlot) <= t) h += hours; });
  return h;
}

export function buildModel(input: ModelInput): BuiltModel {
  const { groups, resources, clouds, grid, snapshot, now } = input;
  const lp = new LpBuilder();
  const cols = new ColTable();
  const T = grid.count;
  // A column closes over the entries staged just before it (lp.entry).
  const col = (kind: ColKind, g: number, r: number, t: number, speed: number, cost: number, lo: number, hi: number) => { cols.push(kind, g, r, t, speed); lp.addCol(cost, lo, hi); };
  // Rented nodes held per client × offer × instant: one scan of the nodes per distinct question.
  const heldMemo = new Map<string, number>();
  // The rented nodes, found once: rentals and account limits count only these (not the thousands on-prem).
  const cloudNodes: readonly FarmNode[] = input.cloudNodes ?? snapshot.nodes.filter((n) => n.pool === "cloud");
  const held = (clientId: string, c: CloudResource, at: number) => {
    const key = `${clientId}|${c.index}|${at}`;
    let v = heldMemo.get(key);
    if (v === undefined) heldMemo.set(key, (v = heldCloud(snapshot, clientId, c.offer, at, false, cloudNodes)));
    return v;
  };
  const late = input.late ?? new Set<number>();
  const lastSlot = (g: Group) => Math.max(g.releaseSlot, g.bestEffortH > 0 || late.has(g.index) ? T - 1 : g.lastDueSlot);
  // Work is credited when its task ends (credit.ts), so the done-so-far chain runs past the last slot work starts in.
  const speedsOf = (g: Group) => [...g.resources.map((r) => r.speed.get(g.kind) ?? 1), ...(g.cloudOk ? g.clouds.map((c) => speedOf(c.offer.speed, g.kind)) : [])];
  const credit = input.completionCredit !== false;
  const accEnd = groups.map((g) => (credit ? creditEnd(grid, g, lastSlot(g), speedsOf(g)) : lastSlot(g)));
  const creditAt = (t: number, g: Group, speed: number) => (credit ? creditSlot(grid, t, g, speed) : t);

  // Rows per group: accumulation per slot (work done so far), deadlines as a cumulative profile, the total.
  const accRow = groups.map((g, gi) => {
    const rows: number[] = [];
    for (let t = g.releaseSlot; t <= accEnd[gi]!; t++) rows[t] = lp.addRow(0, 0, lpKey(ROW.acc, gi, -1, t));
    return rows;
  });
  const dueRow = groups.map((g, gi) => {
    // Work due before the group may start is due at its release slot (already a shortfall).
    const due = new Map<number, number>();
    for (const [t, h] of g.dueBySlot) { const at = Math.max(t, g.releaseSlot); due.set(at, (due.get(at) ?? 0) + h); }
    const rows = new Map<number, number>();
    let cum = 0;
    for (const t of [...due.keys()].sort((a, b) => a - b)) {
      cum += due.get(t)!;
      rows.set(t, lp.addRow(cum, INF, lpKey(ROW.due, gi, -1, t)));
    }
    return rows;
  });
  // Late groups: past their last deadline, done-so-far + late ≥ all the work due, in every slot (late = work not yet done).
  const lateRow = groups.map((g, gi) => {
    const rows = new Map<number, number>();
    if (!late.has(g.index) || dueRow[gi]!.size === 0) return rows;
    const lastDue = Math.max(...dueRow[gi]!.keys());
    const dueH = dueTotal(g, lastDue);
    for (let t = lastDue + 1; t <= accEnd[gi]!; t++) rows.set(t, lp.addRow(dueH, INF, lpKey(ROW.late, gi, -1, t)));
    return rows;
  });
  // All the group's work within the horizon (a deadline's work credited after it still beats never doing it).
  const totalRow = groups.map((g, gi) => (credit || g.bestEffortH > 0 ? lp.addRow(g.workH, INF, lpKey(ROW.total, gi, -1, -1)) : -1));
  const capRow = resources.map((r) => grid.hours.map((_, t) => lp.addRow(-INF, r.readyHours[t]!, lpKey(ROW.cap, r.index, -1, t))));
  const parRow = groups.map((g, gi) => {
    const rows: number[] = [];
    // One row per slot whether or not it binds now, so the model's shape does not follow every lease.
    for (let t = g.releaseSlot; t <= lastSlot(g); t++) rows[t] = lp.addRow(-INF, g.tasks * grid.hours[t]!, lpKey(ROW.par, gi, -1, t));
    return rows;
  });

  // Shares: a cap in every slot, a guarantee (soft) in the first four hours (share-rows.ts).
  // Guarantees first (ModelInput.guaranteesFirst): the simulator's accounting, priced above energy (weights.ts).
  const leasesCount = input.guaranteesFirst === true;
  const shortPrice = leasesCount ? WEIGHTS.guaranteeBeforeEnergyPerSlotHour : WEIGHTS.guaranteePerSlotHour;
  const { shareRow, guarRow, clientIds } = addShareRows(lp, { ...input, leasesCount });

  // Cloud: capacity per renting client × offer × slot, the account limit per offer × slot, budgets.
  const renters = new Map<string, Set<CloudResource>>();
  const rentUntil = new Map<string, number>();
  for (const g of groups) {
    if (!g.cloudOk || g.clouds.length === 0) continue;
    let set = renters.get(g.clientId);
    if (!set) renters.set(g.clientId, (set = new Set()));
    for (const c of g.clouds) set.add(c);
    rentUntil.set(g.clientId, Math.max(rentUntil.get(g.clientId) ?? 0, lastSlot(g)));
  }
  const clientList = snapshot.clients.filter((c) => renters.has(c.id)).sort((a, b) => (a.id < b.id ? -1 : 1));
  const ccapRow = new Map<string, number[]>();
  const usedOffers = new Set<CloudResource>();
  for (const set of renters.values()) for (const c of set) usedOffers.add(c);
  const acctRow = clouds.map((c) => {
    if (!usedOffers.has(c)) return [];
    const unowned = cloudNodes.filter((n) => n.instanceType === c.offer.instanceType && n.clientId === undefined && n.status !== "offline").length;
    return grid.hours.map((_, t) => lp.addRow(-INF, Math.max(0, c.offer.maxInstances - unowned), lpKey(ROW.acct, c.index, -1, t)));
  });
  const farm = addFarmRows(lp, snapshot, clouds, grid, renters);
  const budgetRow = new Map<string, number>();
  for (const [ci, client] of clientList.entries()) {
    budgetRow.set(client.id, lp.addRow(-INF, Math.max(0, client.cloudBudgetLeft), lpKey(ROW.budget, ci, -1, -1)));
    for (const c of renters.get(client.id)!) ccapRow.set(`${client.id}|${c.index}`, grid.hours.map((_, t) => lp.addRow(-INF, 0, lpKey(ROW.ccap, ci, c.index, t))));
  }

  // Columns per group: work per resource and slot, rented work per offer and slot, work done so far, shortfalls.
  groups.forEach((g, gi) => {
    const shares = shareRow.get(g.clientId);
    const guars = guarRow.get(g.clientId);
    const price = g.energyIntensive ? input.priceTimed : input.priceFlat;
    const end = lastSlot(g);
    const last = accEnd[gi]!;
    // done_t = done_{t−1} + work credited in t: a column entering row t with −1 and row t+1 with +1
    // (added right after slot t's work columns: the column order decides among equally good plans).
    const addDone = (t: number) => {
      lp.entry(accRow[gi]![t]!, -1);
      if (t < last) lp.entry(accRow[gi]![t + 1]!, 1);
      const due = dueRow[gi]!.get(t);
      if (due !== undefined) lp.entry(due, 1);
      const behind = lateRow[gi]!.get(t);
      if (behind !== undefined) lp.entry(behind, 1);
      if (t === last && totalRow[gi]! >= 0) lp.entry(totalRow[gi]!, 1);
      col("done", gi, -1, t, 1, 0, 0, INF);
    };
    const ccaps = g.cloudOk ? g.clouds.map((c) => ccapRow.get(`${g.clientId}|${c.index}`)!) : [];
    // Per resource and offer, what does not change with the slot: asked once per group, not per column (~17k a build, two builds an event).
    const acc = accRow[gi]!;
    const res = g.resources;
    const rSpeed = res.map((r) => r.speed.get(g.kind) ?? 1);
    const rRefused = res.map((r) => g.refusedSlots?.get(r.index) ?? 0);
    const cSpeed = g.cloudOk ? g.clouds.map((c) => speedOf(c.offer.speed, g.kind)) : [];
    // Earlier is better, the more so the nearer the group's first deadline (EDF among on-time plans, so
    // slack is kept for the runtime spread rather than spent on later work).
    const urgency = g.dueAt === null ? 1 : 1 + 24 / Math.max(0.5, (g.dueAt - now) / 3600_000);
    const perHour = WEIGHTS.earlierPerHourHour * urgency + (g.preview ? WEIGHTS.previewPerHourHour : 0);
    const parRows = parRow[gi]!;
    for (let t = g.releaseSlot; t <= end; t++) {
      const timeCost = grid.midHours[t]! * perHour;
      const par = parRows[t];
      for (let ri = 0; ri < res.length; ri++) {
        const r = res[ri]!;
        // A column even where the resource has no capacity now (bound 0): the model keeps its shape as leases end.
        // Less the share on nodes that refuse all of the group's jobs (refusals.ts).
        const refused = rRefused[ri]!;
        const hours = (r.readyHours[t]! + r.asleepHours[t]!) * (refused > 0 ? Math.max(0, 1 - refused / Math.max(1, r.slots)) : 1);
        const speed = rSpeed[ri]!;
        lp.entry(acc[creditAt(t, g, speed)]!, speed).entry(capRow[r.index]![t]!, 1);
        if (par !== undefined) lp.entry(par, 1);
        if (shares) lp.entry(shares[t]!, 1);
        if (guars?.[t] !== undefined) lp.entry(guars[t]!, 1);
        col("x", gi, r.index, t, speed, r.busyKW * price[t]! + timeCost, 0, hours);
      }
      if (g.cloudOk) {
        for (let ci = 0; ci < g.clouds.length; ci++) {
          const c = g.clouds[ci]!;
          if (t < c.firstSlot && held(g.clientId, c, grid.startAt[t]!) === 0) continue;
          const speed = cSpeed[ci]!;
          lp.entry(acc[creditAt(t, g, speed)]!, speed).entry(ccaps[ci]![t]!, 1);
          if (par !== undefined) lp.entry(par, 1);
          col("y", gi, c.index, t, speed, timeCost, 0, grid.hours[t]! * c.offer.maxInstances);
        }
      }
      addDone(t);
    }
    // Slots where only credited work arrives (completion credit on).
    for (let t = end + 1; t <= last; t++) addDone(t);
    // Misses count jobs, the LP counts hours: an hour short on a small deadline costs more, so when
    // something must be late the LP sacrifices few big pieces of work rather than many small ones.
    const missCost = WEIGHTS.missPerRefHour * (0.5 + g.priority / 100);
    let prevDue = 0;
    // dueRow was filled in ascending slot order (its keys sorted above).
    for (const [t, row] of dueRow[gi]!) {
      const dueH = dueTotal(g, t) - prevDue;
      prevDue += dueH;
      lp.entry(row, 1);
      col("miss", gi, -1, t, 1, missCost * (1 + 10 / Math.max(1, dueH)), 0, INF);
    }
    const lateCost = WEIGHTS.latePerRefHourHour * (0.5 + g.priority / 100);
    for (const [t, row] of lateRow[gi]!) {
      lp.entry(row, 1);
      col("late", gi, -1, t, 1, lateCost * grid.hours[t]!, 0, INF);
    }
    if (totalRow[gi]! >= 0) {
      lp.entry(totalRow[gi]!, 1);
      col("unsched", gi, -1, -1, 1, WEIGHTS.bestEffortPerRefHour, 0, INF);
    }
  });
  for (const r of resources) {
    for (let t = 0; t < T; t++) {
      if (r.asleepHours[t]! <= 0) continue;
      // Woken hours carry the wake penalty only: the work columns price a woken node's busy hours at its
      // busy power, which includes its idle draw. Charging idle power on top made a woken node-hour in
      // the cheap hours dearer than an awake one at the peak (off-hours-energy ran deferrable work at peak).
      lp.entry(capRow[r.index]![t]!, -1);
      col("wake", -1, r.index, t, 1, WEIGHTS.wakePerSlotHour, 0, r.asleepHours[t]!);
    }
  }
  clientList.forEach((client, ci) => {
    const until = rentUntil.get(client.id)!;
    for (const c of [...renters.get(client.id)!].sort((a, b) => a.index - b.index)) {
      const ccap = ccapRow.get(`${client.id}|${c.index}`)!;
      // Nodes started in slot t pay for their boot: rent_t − rent_{t−1} ≤ start_t + booted_t (rent_{−1}: the nodes held
      // now; booted_t: booting nodes that become ready in slot t, their boot already paid), so the LP rents few nodes for
      // long rather than many for a moment. Without booted_t a booting node paid its boot again when ready, no cheaper
      // than a new node for another client: the next solve could rent for A what B's booting nodes covered, and both
      // were kept (competing-deadlines at 09:00: 3 nodes for A and 5 for B, then 4 more for A 5 s later).
      const boot = c.pricePerHour * (c.offer.bootSec / 3600);
      let startRow = lp.addRow(-INF, held(client.id, c, now), lpKey(ROW.start, ci, c.index, -1));
      for (let t = 0; t <= until; t++) {
        const ub = t < c.firstSlot ? held(client.id, c, grid.startAt[t]!) : c.offer.maxInstances;
        const cost = c.pricePerHour * grid.hours[t]!;
        const booted = t < until ? Math.max(0, held(client.id, c, grid.startAt[t + 1]!) - held(client.id, c, grid.startAt[t]!)) : 0;
        const next = t < until ? lp.addRow(-INF, booted, lpKey(ROW.start, ci, c.index, t)) : -1;
        lp.entry(ccap[t]!, -grid.hours[t]!).entry(acctRow[c.index]![t]!, 1).entry(budgetRow.get(client.id)!, cost).entry(startRow, 1);
        if (next >= 0) lp.entry(next, -1);
        if (farm.instances) lp.entry(farm.instances[t]!, 1);
        if (farm.spend) lp.entry(farm.spend[t]!, c.pricePerHour);
        col("rent", ci, c.index, t, 1, cost, 0, ub);
        lp.entry(startRow, -1).entry(budgetRow.get(client.id)!, boot);
        col("start", ci, c.index, t, 1, boot, 0, INF);
        startRow = next;
      }
    }
  });
  for (const c of [...guarRow.keys()].sort()) {
    guarRow.get(c)!.forEach((row, t) => {
      lp.entry(row, 1);
      col("short", clientIds.indexOf(c), -1, t, 1, shortPrice, 0, INF);
    });
  }
  return { model: lp.build(), cols, capRow, shareRow, budgetRow, clients: clientList, rowKeys: lp.rowKeys() };
}
