/**
 * Cloud nodes to terminate: released by the plan (idle: desired status `stop`, nothing held or
 * waiting in its inbox), interrupted (once the two-minute notice is over: its agent had that
 * long to checkpoint), or silent too long — an instance whose agent never came up after its boot
 * time, or went quiet — so a broken boot never bills for hours. Instances the cloud reports gone
 * (spot reclaimed, terminated by hand) are recorded as such, so the ceilings count only what
 * runs. Terminated nodes keep their record (usage history) with status `disabled` and
 * `cloud.terminatedAt`.
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
  if (n.cloud.interruptedAt !== undefined) return now - n.cloud.interruptedAt >= interruptionNoticeMs ? "spot interruption" : null;
  if (n.desiredStatus === "stop" && n.holding.length === 0 && n.inbox.length === 0) return "released by the plan (idle)";
  const heardOf = Math.max(n.lastSeenAt, n.readyAt ?? 0);
  if (now - heardOf > silentGraceMs) return n.status === "booting" ? "agent never came up after boot" : "agent silent";
  return null;
}

/** EC2 gives two minutes between the interruption warning and the termination. */
export const interruptionNoticeMs = 120_000;

export async function releaseCloudNodes(deps: ServiceDeps, cloud: CloudCapacity, nodes: readonly NodeRecord[], now: number, actor: Actor): Promise<string[]> {
  const doomed = nodes.map((n) => ({ n, why: releaseReason(n, now) })).filter((d): d is { n: NodeRecord; why: string } => d.why !== null);
  const gone = await goneAlready(cloud, nodes.filter((n) => isLiveCloud(n) && !doomed.some((d) => d.n === n)));
  try {
    if (doomed.length > 0) await cloud.terminate(doomed.map((d) => d.n.id));
  } catch (err) {
    if (!(err instanceof RetryableError)) throw err;
    doomed.length = 0; // the next run tries again
  }
  for (const { n, why } of [...doomed, ...gone.map((n) => ({ n, why: "terminated by the cloud" }))]) {
    await deps.nodes.update(n.id, (cur) => ({
      next: cur.cloud?.terminatedAt ? null : {
        ...cur, status: "disabled", desiredStatus: "stop", inbox: [],
        cloud: { ...cur.cloud!, terminatedAt: now, terminateReason: why },
      },
      result: null,
    }));
    await audit(deps, actor, { clientId: n.clientId ?? null, action: "node.terminate", target: { type: "node", id: n.id }, after: { reason: why, instanceType: n.instanceType, market: n.market } });
  }
  return [...doomed, ...gone.map((n) => ({ n }))].map((d) => d.n.id);
}

/** Nodes whose instance the cloud says is terminated or shutting down; none when it cannot say. */
async function goneAlready(cloud: CloudCapacity, live: readonly NodeRecord[]): Promise<NodeRecord[]> {
  if (live.length === 0) return [];
  try {
    const states = new Map((await cloud.describe(live.map((n) => n.id))).map((i) => [i.instanceId, i.state]));
    return live.filter((n) => states.get(n.id) === "terminated" || states.get(n.id) === "shutting-down");
  } catch {
    // A reconciliation hint only: a failed describe must not block launches or releases.
    return [];
  }
}
