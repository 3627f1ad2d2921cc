/**
 * The capacity use case: the plan's burst requests become instances, its releases become
 * terminations. One run:
 *   1. read     pending burst requests, nodes, clients, offers;
 *   2. release  terminate cloud nodes the plan released or that went silent (release-nodes.ts);
 *   3. launch   per intent (requests of one cycle, client and kind: launch-plan.ts), within the
 *               guards (guards.ts), in rounds (launch-intent.ts), each node recorded at launch;
 *   4. settle   each request's outcome on the request (`settleBurst`) and on its jobs
 *               (`capacityNote`, shown with the plan's "why"); a throttled launch stays pending.
 * Idempotent: a re-run finds the nodes it recorded and resends the same ClientTokens.
 */
import type { Actor } from "../actor.ts";
import { audit } from "../audit.ts";
import type { ServiceDeps } from "../ports.ts";
import type { CloudCapacity } from "./cloud-capacity.ts";
import { isLiveCloud, type CapacityLimits } from "./guards.ts";
import { launchIntent, type IntentResult } from "./launch-intent.ts";
import { planLaunches, type LaunchIntent } from "./launch-plan.ts";
import { releaseCloudNodes } from "./release-nodes.ts";

export interface CapacityInput {
  limits: CapacityLimits;
  /** Farm name for tags and ClientTokens (the stack name in AWS). */
  farm: string;
  /** Fallback rounds per intent (next type after capacity errors). Default 3. */
  maxRounds?: number;
}

export interface CapacityResult {
  launched: string[];
  terminated: string[];
  /** Intent keys by outcome. */
  outcomes: Record<IntentResult["outcome"] | "expired", string[]>;
}

/** A request the plan made this long ago is stale: the next plan has its own view. */
export const requestTtlMs = 15 * 60_000;

export async function runCapacity(deps: ServiceDeps, cloud: CloudCapacity, input: CapacityInput, actor: Actor): Promise<CapacityResult> {
  const now = deps.clock.now();
  const [pending, nodes, clients, settings] = await Promise.all([deps.plans.pendingBurst(), deps.nodes.list(), deps.clients.list(), deps.plans.settings()]);
  const out: CapacityResult = { launched: [], terminated: [], outcomes: { fulfilled: [], partial: [], refused: [], failed: [], retry: [], expired: [] } };
  out.terminated = await releaseCloudNodes(deps, cloud, nodes, now, actor);
  const live = nodes.filter((n) => isLiveCloud(n) && !out.terminated.includes(n.id));

  for (const intent of planLaunches(pending, settings.cloudOffers)) {
    if (now - intent.requestedAt > requestTtlMs) {
      await settle(deps, intent, { outcome: "failed", nodes: [], reason: "expired before it could launch" }, now);
      out.outcomes.expired.push(intent.key);
      continue;
    }
    const r = await launchIntent(deps, intent, {
      cloud, farm: input.farm, limits: input.limits, offers: settings.cloudOffers, client: clients.find((c) => c.id === intent.clientId),
      live, now, maxRounds: input.maxRounds ?? 3,
    });
    out.outcomes[r.outcome].push(intent.key);
    const fresh = r.nodes.filter((n) => !live.includes(n));
    live.push(...fresh);
    out.launched.push(...fresh.map((n) => n.id));
    if (r.outcome === "retry") continue;
    await settle(deps, intent, r, now);
    await audit(deps, actor, {
      clientId: intent.clientId, action: `burst.${r.outcome}`, target: { type: "plan", id: intent.key },
      after: { reason: r.reason, instances: r.nodes.map((n) => `${n.id} ${n.instanceType} ${n.market}`) },
    });
  }
  if (out.launched.length > 0 || out.terminated.length > 0) await deps.trigger.requestPlan("cloud capacity changed", now);
  return out;
}

async function settle(deps: ServiceDeps, intent: LaunchIntent, r: Pick<IntentResult, "outcome" | "nodes" | "reason">, now: number): Promise<void> {
  const status = r.nodes.length > 0 ? "fulfilled" : "failed";
  const outcome = { at: now, reason: r.reason, instanceIds: r.nodes.map((n) => n.id) };
  for (const m of intent.members) await deps.plans.settleBurst(m.requestedAt, m.index, status, outcome);
  const note = { at: now, reason: `cloud: ${r.reason}` };
  for (const jobId of intent.jobIds) {
    await deps.jobs.update(jobId, (j) => ({ next: { ...j, capacityNote: note }, result: null })).catch((err: unknown) => {
      if ((err as Error).name !== "NotFoundError") throw err;
    });
  }
}
