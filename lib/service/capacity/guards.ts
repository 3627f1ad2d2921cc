/**
 * Guards that hold even if the planner errs: the farm-wide ceilings on cloud spend per hour and
 * on instances, each client's cloud permission and budget, and the instance types the studio
 * allowed. Pure: the use case passes what is live now and what it asks for; the answer is how
 * many instances may launch, with a sentence when that is fewer than asked.
 */
import type { CloudOffer } from "../../planner/index.ts";
import type { ClientRecord, NodeRecord } from "../model.ts";
import type { Market } from "./cloud-capacity.ts";

export interface CapacityLimits {
  /** Farm-wide: the most all live cloud nodes may cost per hour together. */
  maxSpendPerHour: number;
  /** Farm-wide: the most cloud instances alive at once. */
  maxInstances: number;
  /** Instance types the studio allows; empty means every type in the farm's offers. */
  allowedTypes: string[];
}

export interface GuardAsk {
  clientId: string;
  instanceTypes: string[];
  spotCount: number;
  onDemandCount: number;
  /** Expected node-hours per instance (boot + work), to check the client's budget. */
  hoursPerNode: number;
}

export interface GuardAnswer {
  spotCount: number;
  onDemandCount: number;
  /** Types left after the allow-list. */
  instanceTypes: string[];
  /** Why fewer (or none) than asked may launch; null when all may. */
  reason: string | null;
}

/** A cloud node counts against the ceilings from launch until it is terminated. */
export const isLiveCloud = (n: NodeRecord): boolean => n.pool === "cloud" && !n.cloud?.terminatedAt;

export function priceOf(offers: readonly CloudOffer[], type: string, market: Market): number | undefined {
  const o = offers.find((x) => x.instanceType === type);
  if (!o) return undefined;
  return market === "spot" ? o.spotPricePerHour : o.onDemandPricePerHour;
}

export function guardLaunch(ask: GuardAsk, live: readonly NodeRecord[], client: ClientRecord | undefined, offers: readonly CloudOffer[], limits: CapacityLimits): GuardAnswer {
  const none = (reason: string): GuardAnswer => ({ spotCount: 0, onDemandCount: 0, instanceTypes: [], reason: `refused: ${reason}` });
  if (!client) return none(`unknown client ${ask.clientId}`);
  if (!client.cloudAllowed) return none(`client ${client.id} does not allow cloud rendering`);
  const allowed = limits.allowedTypes.length === 0 ? null : new Set(limits.allowedTypes);
  const types = ask.instanceTypes.filter((t) => (allowed === null || allowed.has(t)) && offers.some((o) => o.instanceType === t));
  if (types.length === 0) return none(`instance type ${ask.instanceTypes.join("/")} is not among the studio's allowed types (${limits.allowedTypes.join(", ")})`);

  // Priced at the dearest type EC2 may pick, so the ceiling holds whichever it picks.
  const worst = (m: Market) => Math.max(...types.map((t) => priceOf(offers, t, m) ?? 0));
  const spotPrice = worst("spot");
  const odPrice = worst("on-demand");
  const running = live.filter(isLiveCloud);
  const spend = running.reduce((t, n) => t + (n.pricePerHour ?? 0), 0);
  const clientBurn = running.filter((n) => n.clientId === client.id).reduce((t, n) => t + (n.pricePerHour ?? 0), 0);

  const asked = ask.spotCount + ask.onDemandCount;
  const caps: { n: number; why: string }[] = [
    { n: limits.maxInstances - running.length, why: `farm instance ceiling ${limits.maxInstances} (${running.length} running)` },
  ];
  // On-demand is what the plan asked for where slack is short: fill it first, spot after.
  let od = ask.onDemandCount;
  let spot = ask.spotCount;
  const fit = (room: number, perNode: (market: Market) => number, why: string) => {
    const left = Math.max(0, room);
    const odFit = Math.max(0, Math.min(od, Math.floor(left / Math.max(perNode("on-demand"), 1e-9) + 1e-9)));
    const spotFit = Math.max(0, Math.min(spot, Math.floor((left - odFit * perNode("on-demand")) / Math.max(perNode("spot"), 1e-9) + 1e-9)));
    if (odFit < od || spotFit < spot) caps.push({ n: odFit + spotFit, why });
    od = odFit;
    spot = spotFit;
  };
  const price = (m: Market) => (m === "spot" ? spotPrice : odPrice);
  fit(limits.maxSpendPerHour - spend, price, `farm spend ceiling ${money(limits.maxSpendPerHour)}/h (${money(spend)}/h running)`);
  fit(client.cloudBudgetLeft - clientBurn, (m) => price(m) * Math.max(ask.hoursPerNode, 1 / 60),
    `client ${client.id}'s cloud budget (${money(client.cloudBudgetLeft)} left, ${money(clientBurn)}/h already running)`);
  const byInstances = Math.max(0, limits.maxInstances - running.length);
  od = Math.min(od, byInstances);
  spot = Math.min(spot, byInstances - od);
  const total = od + spot;
  if (total >= asked) return { spotCount: spot, onDemandCount: od, instanceTypes: types, reason: null };
  const binding = caps.filter((c) => c.n < asked).sort((a, b) => a.n - b.n)[0];
  const why = binding?.why ?? "guards";
  return { spotCount: spot, onDemandCount: od, instanceTypes: types, reason: total === 0 ? `refused: ${why}` : `${total} of ${asked} instances: ${why}` };
}

const money = (x: number) => x.toFixed(2);
