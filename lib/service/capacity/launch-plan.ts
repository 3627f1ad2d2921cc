/**
 * Pending burst requests → launch intents, purely. Requests of one planning cycle for the same
 * client and kind become ONE fleet (the planner spills a deficit across types when a type hits
 * its limit; one fleet lets EC2 pick among them, and may mix markets when the plan asked for
 * both). Each intent also lists substitute types: offers at least as capable and as fast for
 * the kind, at most `substituteCostRatio` dearer per unit of throughput — so a capacity error on
 * one type falls through to the next without changing how many nodes the deadline needs.
 */
import { createHash } from "node:crypto";
import type { BurstRequest, CloudOffer } from "../../planner/index.ts";
import type { Market } from "./cloud-capacity.ts";

export type PendingBurst = BurstRequest & { requestedAt: number; index: number };

export interface LaunchIntent {
  /** Stable across runs: `<requestedAt>#<client>#<kind>`; seeds the ClientToken. */
  key: string;
  members: { requestedAt: number; index: number }[];
  clientId: string;
  kind: string;
  jobIds: string[];
  deadlineAt: number;
  instanceTypes: string[];
  spotCount: number;
  onDemandCount: number;
  estimatedCost: number;
  requestedAt: number;
}

export const substituteCostRatio = 1.2;
const maxTypes = 6;

export function planLaunches(pending: readonly PendingBurst[], offers: readonly CloudOffer[]): LaunchIntent[] {
  const groups = new Map<string, PendingBurst[]>();
  for (const r of [...pending].sort((a, b) => a.requestedAt - b.requestedAt || a.index - b.index)) {
    const key = `${r.requestedAt}#${r.clientId}#${r.kind}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups].map(([key, rs]) => {
    const first = rs[0]!;
    const count = (m: Market) => rs.filter((r) => r.market === m).reduce((t, r) => t + r.count, 0);
    const types: string[] = [];
    for (const r of rs) for (const t of [r.instanceType, ...substitutes(r, offers)]) if (!types.includes(t)) types.push(t);
    return {
      key, members: rs.map((r) => ({ requestedAt: r.requestedAt, index: r.index })),
      clientId: first.clientId, kind: first.kind,
      jobIds: [...new Set(rs.flatMap((r) => r.jobIds))].sort(),
      deadlineAt: Math.min(...rs.map((r) => r.deadlineAt)),
      instanceTypes: types.slice(0, maxTypes),
      spotCount: count("spot"), onDemandCount: count("on-demand"),
      estimatedCost: rs.reduce((t, r) => t + r.estimatedCost, 0),
      requestedAt: first.requestedAt,
    };
  });
}

/** Offers that can stand in for the requested type, cheapest per unit of throughput first. */
export function substitutes(r: BurstRequest, offers: readonly CloudOffer[]): string[] {
  const want = offers.find((o) => o.instanceType === r.instanceType);
  if (!want) return [];
  const speed = (o: CloudOffer) => o.speed[r.kind] ?? 1;
  const unitCost = (o: CloudOffer) => (r.market === "spot" ? o.spotPricePerHour : o.onDemandPricePerHour) / speed(o);
  const a = want.capabilities;
  return offers
    .filter((o) => o.instanceType !== want.instanceType)
    .filter((o) => {
      const b = o.capabilities;
      return b.os === a.os && b.cpuArch === a.cpuArch && b.vcpu >= a.vcpu && b.memoryGiB >= a.memoryGiB && b.gpuCount >= a.gpuCount
        && (b.gpuMemoryGiB ?? 0) >= (a.gpuMemoryGiB ?? 0) && (a.gpuModel === undefined || b.gpuModel === a.gpuModel);
    })
    .filter((o) => speed(o) >= speed(want) && unitCost(o) <= unitCost(want) * substituteCostRatio)
    .sort((x, y) => unitCost(x) - unitCost(y) || (x.instanceType < y.instanceType ? -1 : 1))
    .map((o) => o.instanceType);
}

/**
 * EC2 ClientToken (≤ 64 ASCII): the intent key and the fallback round, hashed with the farm
 * name. The same request retried (a Lambda retry, a timed-out call) sends the same token, so EC2
 * returns the fleet it already launched instead of launching another.
 */
export function launchToken(farm: string, intentKey: string, round: number): string {
  const h = createHash("sha256").update(`${farm}\n${intentKey}`).digest("hex").slice(0, 40);
  return `bf-${h}-r${round}`;
}
