/**
 * The node record of a launched instance, written at launch: its id is the instance id, and its
 * pool, type, market, price and client are the farm's facts (from the launch and the farm's
 * offers), never what the booting agent says. The agent attaches to this record when it
 * registers; usage and budgets are charged from it (usage.ts reads `pricePerHour`).
 */
import type { CloudOffer } from "../../planner/index.ts";
import type { NodeRecord } from "../model.ts";
import type { LaunchedInstance } from "./cloud-capacity.ts";

export interface LaunchContext {
  clientId: string;
  requestKey: string;
  jobIds: string[];
  round: number;
  now: number;
}

export function cloudNodeRecord(i: LaunchedInstance, offer: CloudOffer, x: LaunchContext): NodeRecord {
  const price = i.market === "spot" ? offer.spotPricePerHour : offer.onDemandPricePerHour;
  return {
    id: i.instanceId, hostname: i.instanceId, pool: "cloud", status: "booting",
    capabilities: offer.capabilities, tags: ["cloud", i.market, i.instanceType], speed: offer.speed, slots: 1,
    // Cloud power is in the instance price (usage.ts bills no energy for cloud nodes).
    powerIdleW: 0, powerBusyW: 0, blocklist: [],
    instanceType: i.instanceType, market: i.market, pricePerHour: price, clientId: x.clientId,
    readyAt: x.now + offer.bootSec * 1000, awaitingFirstTask: true,
    registeredAt: x.now, lastSeenAt: x.now, agentVersion: null, metrics: null,
    holding: [], desiredStatus: "run", inbox: [],
    cloud: { requestKey: x.requestKey, launchedAt: x.now, jobIds: x.jobIds, round: x.round, ...(i.placement ? { placement: i.placement } : {}) },
    version: 1,
  };
}

/** The fields an agent's registration must not change on a node the farm launched. */
export function launchFacts(n: NodeRecord): Partial<NodeRecord> {
  if (!n.cloud) return {};
  return {
    pool: "cloud", capabilities: n.capabilities, speed: n.speed, slots: n.slots, powerIdleW: n.powerIdleW, powerBusyW: n.powerBusyW,
    ...(n.instanceType ? { instanceType: n.instanceType } : {}), ...(n.market ? { market: n.market } : {}),
    ...(n.pricePerHour !== undefined ? { pricePerHour: n.pricePerHour } : {}), ...(n.clientId ? { clientId: n.clientId } : {}),
  };
}
