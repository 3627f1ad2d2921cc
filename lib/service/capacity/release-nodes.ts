/**
 * Cloud nodes to terminate: released by the plan (idle: desired status `stop`, nothing held or
 * waiting in its inbox), or silent too long — an instance whose agent never came up after its
 * boot time, or went quiet — so a broken boot never bills for hours. Terminated nodes keep their
 * record (usage history) with status `disabled` and `cloud.terminatedAt`.
 */
import type { Actor } from "../actor.ts";
import { audit } from "../audit.ts";
import { RetryableError } from "../errors.ts";
import type { NodeRecord } from "../model.ts";
import type { ServiceDeps } from "../ports.ts";
import type { CloudCapacity } from "./cloud-capacity.ts";
import { isLiveCloud } from "./guards.ts";

/** How long past its expected ready time (or its last poll) a cloud node may stay silent. */
export const silentGraceMs = 10 * 60_000;

export function releaseReason(n: NodeRecord, now: number): string | null {
  if (!isLiveCloud(n) || !n.cloud) return null;
  if (n.desiredStatus === "stop" && n.holding.length === 0 && n.inbox.length === 0) {
    return n.cloud.interruptedAt ? "spot interruption" : "released by the plan (idle)";
  }
  const heardOf = Math.max(n.lastSeenAt, n.readyAt ?? 0);
  if (now - heardOf > silentGraceMs) return n.status === "booting" ? "agent never came up after boot" : "agent silent";
  return null;
}

export async function releaseCloudNodes(deps: ServiceDeps, cloud: CloudCapacity, nodes: readonly NodeRecord[], now: number, actor: Actor): Promise<string[]> {
  const doomed = nodes.map((n) => ({ n, why: releaseReason(n, now) })).filter((d): d is { n: NodeRecord; why: string } => d.why !== null);
  if (doomed.length === 0) return [];
  try {
    await cloud.terminate(doomed.map((d) => d.n.id));
  } catch (err) {
    if (err instanceof RetryableError) return []; // the next run tries again
    throw err;
  }
  for (const { n, why } of doomed) {
    await deps.nodes.update(n.id, (cur) => ({
      next: cur.cloud?.terminatedAt ? null : {
        ...cur, status: "disabled", desiredStatus: "stop", inbox: [],
        cloud: { ...cur.cloud!, terminatedAt: now, terminateReason: why },
      },
      result: null,
    }));
    await audit(deps, actor, { clientId: n.clientId ?? null, action: "node.terminate", target: { type: "node", id: n.id }, after: { reason: why, instanceType: n.instanceType, market: n.market } });
  }
  return doomed.map((d) => d.n.id);
}
