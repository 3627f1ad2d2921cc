import type { FarmNode, NodeAction, Policy } from "../types.ts";
import { duration } from "../format.ts";

/**
 * Idle cloud nodes cost money for nothing: release one idle for `idleReleaseSec` that this plan
 * gives no work (Deadline Cloud's idle shutdown defaults to 300 s).
 */
export function releaseIdleCloud(nodes: readonly FarmNode[], busy: ReadonlySet<string>, policy: Policy, now: number): NodeAction[] {
  const out: NodeAction[] = [];
  for (const n of nodes) {
    if (n.pool !== "cloud" || n.leases.length > 0 || busy.has(n.id)) continue;
    if (n.status !== "ready" && n.status !== "draining") continue;
    const idleSec = n.idleSince === undefined ? 0 : (now - n.idleSince) / 1000;
    if (idleSec < policy.burst.idleReleaseSec) continue;
    out.push({ nodeId: n.id, action: "release", reason: `cloud node idle ${duration(idleSec)} with no work it can take` });
  }
  return out;
}
