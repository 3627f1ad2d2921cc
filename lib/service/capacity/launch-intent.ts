/**
 * One launch intent → instances, in rounds: ask the guards how many may launch, launch them
 * with a ClientToken for this round, record a node per instance, drop the types that reported
 * no capacity and try the rest for what is still missing. Throttling inside a round is the
 * adapter's backoff; throttling throughout is `retry` (the request stays pending and the next
 * run resends the same token, so nothing launches twice). A ceiling reached mid-request stops
 * it with what has launched so far.
 */
import type { CloudOffer } from "../../planner/index.ts";
import { RetryableError } from "../errors.ts";
import type { ClientRecord, NodeRecord } from "../model.ts";
import type { ServiceDeps } from "../ports.ts";
import { capacityErrorCodes, type CloudCapacity, type LaunchError } from "./cloud-capacity.ts";
import { cloudNodeRecord } from "./cloud-node.ts";
import { guardLaunch, priceOf, type CapacityLimits } from "./guards.ts";
import { launchToken, type LaunchIntent } from "./launch-plan.ts";

export interface IntentContext {
  cloud: CloudCapacity;
  farm: string;
  limits: CapacityLimits;
  offers: readonly CloudOffer[];
  client: ClientRecord | undefined;
  /** Live cloud nodes, including what earlier intents of this run launched. */
  live: NodeRecord[];
  now: number;
  maxRounds: number;
}

export interface IntentResult {
  outcome: "fulfilled" | "partial" | "refused" | "failed" | "retry";
  nodes: NodeRecord[];
  reason: string;
}

export async function launchIntent(deps: ServiceDeps, intent: LaunchIntent, x: IntentContext): Promise<IntentResult> {
  // A re-run (crash, redelivery) continues after the rounds already recorded for this intent.
  const earlier = x.live.filter((n) => n.cloud?.requestKey === intent.key);
  const launched: NodeRecord[] = [...earlier];
  let round = earlier.reduce((r, n) => Math.max(r, (n.cloud?.round ?? -1) + 1), 0);
  let spot = intent.spotCount - earlier.filter((n) => n.market === "spot").length;
  let od = intent.onDemandCount - earlier.filter((n) => n.market === "on-demand").length;
  let types = intent.instanceTypes;
  const asked = intent.spotCount + intent.onDemandCount;
  const notes: string[] = [];
  const firstPrice = priceOf(x.offers, intent.instanceTypes[0] ?? "", intent.onDemandCount > 0 ? "on-demand" : "spot") ?? 0;
  const hoursPerNode = asked > 0 && firstPrice > 0 ? intent.estimatedCost / (asked * firstPrice) : 1;

  for (let tries = 0; tries < x.maxRounds && spot + od > 0 && types.length > 0; tries++, round++) {
    const others = x.live.filter((n) => !launched.includes(n));
    const g = guardLaunch({ clientId: intent.clientId, instanceTypes: types, spotCount: spot, onDemandCount: od, hoursPerNode }, [...others, ...launched], x.client, x.offers, x.limits);
    if (g.reason) notes.push(g.reason);
    if (g.spotCount + g.onDemandCount === 0) break;
    let result;
    try {
      result = await x.cloud.launch({
        token: launchToken(x.farm, intent.key, round), instanceTypes: g.instanceTypes, spotCount: g.spotCount, onDemandCount: g.onDemandCount,
        tags: { farm: x.farm, client: intent.clientId, jobs: intent.jobIds, request: intent.key },
      });
    } catch (err) {
      if (!(err instanceof RetryableError)) throw err;
      if (launched.length === 0) return { outcome: "retry", nodes: [], reason: `cloud busy, will retry: ${err.message}` };
      notes.push(`cloud busy after ${launched.length} launched: ${err.message}`);
      break;
    }
    for (const i of result.launched) {
      const offer = x.offers.find((o) => o.instanceType === i.instanceType);
      if (!offer || launched.some((n) => n.id === i.instanceId)) continue;
      const node = cloudNodeRecord(i, offer, { clientId: intent.clientId, requestKey: intent.key, jobIds: intent.jobIds, round, now: x.now });
      // A retried round returns the same instances: keep the record written the first time.
      if (!(await deps.nodes.get(node.id))) await deps.nodes.put(node);
      launched.push(node);
      if (i.market === "spot") spot--; else od--;
    }
    if (result.errors.length > 0) notes.push(summarize(result.errors));
    const noCapacity = new Set(result.errors.filter((e) => capacityErrorCodes.includes(e.code) && e.instanceType).map((e) => e.instanceType!));
    const before = types.length;
    types = types.filter((t) => !noCapacity.has(t));
    // A guard cut the round short, or nothing changed that another round could fix: stop.
    if (g.reason || (result.launched.length === 0 && types.length === before)) break;
  }
  const got = launched.length;
  const reason = notes.length > 0 ? notes.join("; ") : `${got} instance${got === 1 ? "" : "s"} launched`;
  if (got >= asked) return { outcome: "fulfilled", nodes: launched, reason: `launched ${got} of ${asked}${notes.length ? ` (${reason})` : ""}` };
  if (got > 0) return { outcome: "partial", nodes: launched, reason: `launched ${got} of ${asked}: ${reason}` };
  const refused = notes.some((n) => n.startsWith("refused"));
  return { outcome: refused ? "refused" : "failed", nodes: [], reason: notes.length > 0 ? reason : "no instance type left to try" };
}

function summarize(errors: readonly LaunchError[]): string {
  const byCode = new Map<string, string[]>();
  for (const e of errors) byCode.set(e.code, [...(byCode.get(e.code) ?? []), e.instanceType ?? "?"]);
  return [...byCode].map(([code, types]) => `${code} (${[...new Set(types)].join(", ")})`).join(", ");
}
