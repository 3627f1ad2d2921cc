/**
 * The farm over time for the monitor's Farm view: one sample per planning cycle (utilization,
 * power draw, cloud price per hour, client shares), and the tariff's price curve over the same
 * window, so energy cost can be read against it.
 */
import type { ClientShare, PriceSlot } from "../../planner/index.ts";
import { assertOperator, type Actor } from "../actor.ts";
import type { FarmSettings, JobRecord, NodeRecord } from "../model.ts";
import type { ServiceDeps } from "../ports.ts";
import { priceAt } from "../usage.ts";
import type { FarmSample } from "./monitor-store.ts";

const tariffLookaheadMs = 4 * 3_600_000;

export interface FarmHistory {
  from: number;
  to: number;
  samples: FarmSample[];
  tariff: { currency: string; defaultPricePerKWh: number; slots: PriceSlot[] } | null;
}

/** The sample a planning cycle records (best effort: the cycle's own writes come first). */
export function farmSample(x: {
  now: number; nodes: NodeRecord[]; jobs: JobRecord[]; shares: ClientShare[]; settings: FarmSettings;
  /** This cycle's new assignments: after the commit they are running too. */
  assigned: readonly { nodeId: string; queued: boolean }[];
}): FarmSample {
  const silentMs = x.settings.policy.leaseSec * 1000;
  const leases = new Map<string, number>();
  const add = (nodeId: string) => leases.set(nodeId, (leases.get(nodeId) ?? 0) + 1);
  for (const j of x.jobs) for (const s of j.steps) for (const l of s.leases) if (!l.queued) add(l.nodeId);
  for (const a of x.assigned) if (!a.queued) add(a.nodeId);
  let usableSlots = 0, busySlots = 0, watts = 0, cloudPerHour = 0, offline = 0;
  for (const n of x.nodes) {
    const silent = x.now - n.lastSeenAt > silentMs;
    if (silent || n.status === "offline") offline++;
    const busy = Math.min(n.slots, leases.get(n.id) ?? 0);
    if (!silent && (n.status === "ready" || n.status === "draining")) { usableSlots += n.slots; busySlots += busy; }
    if (!silent && n.status !== "asleep" && n.status !== "offline") {
      watts += n.powerIdleW + (n.powerBusyW - n.powerIdleW) * (busy / Math.max(1, n.slots));
      if (n.pool === "cloud") cloudPerHour += n.pricePerHour ?? 0;
    }
  }
  return {
    at: x.now, usableSlots, busySlots,
    nodes: { onprem: x.nodes.filter((n) => n.pool === "onprem").length, cloud: x.nodes.filter((n) => n.pool === "cloud").length, offline },
    powerKW: watts / 1000,
    pricePerKWh: x.settings.tariff ? priceAt(x.settings.tariff, x.now) : null,
    cloudPerHour, shares: x.shares,
  };
}

export async function farmHistory(deps: ServiceDeps, input: { from?: number; to?: number }, actor: Actor): Promise<FarmHistory> {
  assertOperator(actor, "the farm history");
  const to = input.to ?? deps.clock.now();
  const from = input.from ?? to - 24 * 3_600_000;
  const [samples, settings] = await Promise.all([deps.monitor?.samples(from, to) ?? [], deps.plans.settings()]);
  const t = settings.tariff;
  // The curve runs on past `to`: the hours the planner may defer energy-intensive work into.
  const until = to + tariffLookaheadMs;
  return {
    from, to, samples,
    tariff: t ? { currency: t.currency, defaultPricePerKWh: t.defaultPricePerKWh, slots: t.slots.filter((s) => s.endAt > from && s.startAt < until)
      .map((s) => ({ startAt: Math.max(s.startAt, from), endAt: Math.min(s.endAt, until), pricePerKWh: s.pricePerKWh })) } : null,
  };
}
