/**
 * The planner's node actions become desired states the agents read in their poll reply:
 * power-down → asleep (agent stops, a wake-on-LAN adapter wakes it), release → the cloud node
 * stops (the EC2 adapter terminates it), wake → back to run. A woken node is idle from its wake,
 * not from before it slept (else the next plan sees hours of idling and powers it down again).
 */
import type { NodeAction } from "../planner/index.ts";
import type { Actor } from "./actor.ts";
import { audit } from "./audit.ts";
import type { ServiceDeps } from "./ports.ts";
import { mapLimit } from "./map-limit.ts";

/** Nodes are independent items: their writes go out together (a few in flight at a time). */
export async function applyNodeActions(deps: ServiceDeps, actions: NodeAction[], actor: Actor): Promise<void> {
  const now = deps.clock.now();
  await mapLimit(actions, 16, async (a) => {
    const changed = await deps.nodes.update(a.nodeId, (n) => {
      const next = a.action === "wake"
        ? { ...n, desiredStatus: "run" as const, ...(n.status === "asleep" ? { status: "ready" as const, idleSince: now } : {}) }
        : { ...n, desiredStatus: "stop" as const, status: a.action === "power-down" ? ("asleep" as const) : n.status };
      return next.desiredStatus === n.desiredStatus && next.status === n.status ? { next: null, result: false } : { next, result: true };
    }).catch(() => ({ result: false }));
    if (changed.result) await audit(deps, actor, { clientId: null, action: `node.${a.action}`, target: { type: "node", id: a.nodeId }, after: { reason: a.reason } });
  });
}
