/**
 * Integrates the farm's rates between events: energy (split at tariff slots), cloud spend,
 * utilization (busy ÷ awake on-prem slots: asleep and waking nodes are not available),
 * work-conservation violations (idle eligible on-prem node while runnable, non-deferred work
 * exists), client-time below guarantee, and samples a time series. It reads the run through
 * a FarmView, never the engine context.
 */
import { energyCost, priceAt } from "./tariff-price.ts";
import { hasWorkFor, runnableSteps } from "./runnable.ts";
import { GuaranteeWatch } from "./guarantees.ts";
import type { NodeState } from "./state.ts";
import type { FarmView } from "./farm-view.ts";
import type { SeriesPoint, Tally } from "./types.ts";

export function emptyTally(): Tally {
  return {
    energyKWh: 0, energyCost: 0, workEnergyKWh: 0, workEnergyCost: 0, cloudCost: 0, cloudNodeHours: 0, cloudBusyNodeHours: 0,
    busySlotSec: 0, availSlotSec: 0, activeBusySlotSec: 0, activeAvailSlotSec: 0, wcViolationNodeSec: 0, guaranteeViolationClientSec: 0, idleGapsSec: [],
    rejectedAssignments: 0, rejectedPreemptions: 0, plans: 0, spotInterruptions: 0, unusedRentals: 0, crashes: 0, taskErrors: 0,
  };
}

export function nodePowerW(n: NodeState): { total: number; work: number } {
  if (n.pool !== "onprem") return { total: 0, work: 0 };
  if (n.status === "offline" || n.status === "disabled") return { total: 0, work: 0 };
  if (n.status === "asleep") return { total: n.powerSleepW, work: 0 };
  const busy = n.running.length / n.slots;
  return { total: n.powerIdleW + (n.powerBusyW - n.powerIdleW) * busy, work: n.powerBusyW * busy };
}

export class Meter {
  readonly tally: Tally = emptyTally();
  readonly series: SeriesPoint[] = [];
  /** Spend per client so far (budgets). */
  readonly spentByClient = new Map<string, number>();
  private last: number;
  private nextSample: number;
  private dirty = true;
  private powerW = 0;
  private workW = 0;
  private busySlots = 0;
  private availSlots = 0;
  private cloudNodes = 0;
  private cloudBusy = 0;
  private cloudRate: { clientId: string; perHour: number }[] = [];
  private wcNodes = 0;
  private guarantees = new GuaranteeWatch();
  private view: FarmView | null = null;
  private gapStart = new Map<string, number>();

  constructor(startAt: number, private readonly sampleMs: number) {
    this.last = startAt;
    this.nextSample = startAt;
  }

  markDirty(): void {
    this.dirty = true;
  }

  /** Integrate from the last instant to `to` with the rates of the current state. */
  advance(ctx: FarmView, to: number): void {
    if (this.dirty) this.recompute(ctx);
    const t = this.tally;
    const tariff = ctx.sc.tariff;
    while (this.nextSample <= to) {
      this.integrate(tariff, this.nextSample);
      this.series.push({
        at: this.nextSample, busySlots: this.busySlots, availSlots: this.availSlots, cloudNodes: this.cloudNodes,
        powerW: this.powerW, pricePerKWh: priceAt(tariff, this.nextSample), energyCost: t.energyCost, cloudCost: t.cloudCost,
      });
      this.nextSample += this.sampleMs;
    }
    this.integrate(tariff, to);
  }

  private integrate(tariff: FarmView["sc"]["tariff"], to: number): void {
    const from = this.last;
    if (to <= from) return;
    const sec = (to - from) / 1000;
    const t = this.tally;
    t.energyKWh += (this.powerW / 1000) * (sec / 3600);
    t.energyCost += energyCost(tariff, this.powerW, from, to);
    t.workEnergyKWh += (this.workW / 1000) * (sec / 3600);
    t.workEnergyCost += energyCost(tariff, this.workW, from, to);
    for (const r of this.cloudRate) {
      const c = r.perHour * (sec / 3600);
      t.cloudCost += c;
      this.spentByClient.set(r.clientId, (this.spentByClient.get(r.clientId) ?? 0) + c);
    }
    t.cloudNodeHours += this.cloudNodes * (sec / 3600);
    t.cloudBusyNodeHours += this.cloudBusy * (sec / 3600);
    t.busySlotSec += this.busySlots * sec;
    t.availSlotSec += this.availSlots * sec;
    t.wcViolationNodeSec += this.wcNodes * sec;
    if (this.view) t.guaranteeViolationClientSec += this.guarantees.integrate(this.view, from, to);
    this.last = to;
  }

  private recompute(ctx: FarmView): void {
    this.dirty = false;
    let p = 0, w = 0, busy = 0, avail = 0, cloud = 0, wc = 0, cloudBusy = 0;
    this.cloudRate = [];
    const rs = runnableSteps(ctx);
    for (const n of ctx.st.nodes.values()) {
      if (n.pool === "cloud") {
        cloud++;
        if (n.running.length > 0) cloudBusy++;
        this.cloudRate.push({ clientId: n.clientId ?? "", perHour: n.pricePerHour ?? 0 });
        continue;
      }
      const pw = nodePowerW(n);
      p += pw.total;
      w += pw.work;
      if (n.status === "ready" || n.status === "draining") { avail += n.slots; busy += n.running.length; }
      if (n.status === "ready" && n.running.length < n.slots && hasWorkFor(n, rs)) wc++;
    }
    Object.assign(this, { powerW: p, workW: w, busySlots: busy, availSlots: avail, cloudNodes: cloud, cloudBusy, wcNodes: wc });
    this.view = ctx;
    this.guarantees.update(ctx, runnableSteps(ctx, { includeHeld: true }), ctx.st.now);
  }

  /** Freeze utilization at the end of the active period (called once the last job is over). */
  freezeActive(): void {
    this.tally.activeBusySlotSec = this.tally.busySlotSec;
    this.tally.activeAvailSlotSec = this.tally.availSlotSec;
  }

  /** A node freed a slot: if eligible work was waiting, the idle gap starts now. */
  onEnd(ctx: FarmView, node: NodeState, now: number): void {
    this.dirty = true;
    if (node.pool === "onprem" && hasWorkFor(node, runnableSteps(ctx))) this.gapStart.set(node.id, now);
  }

  onStart(node: NodeState, now: number): void {
    this.dirty = true;
    const g = this.gapStart.get(node.id);
    if (g !== undefined) { this.tally.idleGapsSec.push((now - g) / 1000); this.gapStart.delete(node.id); }
  }

  /** A node lost its work or went away: an open gap no longer means a dispatch delay. */
  forgetGap(nodeId: string): void {
    this.gapStart.delete(nodeId);
  }
}
