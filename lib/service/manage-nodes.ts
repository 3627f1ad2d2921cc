/** Operators list nodes (host metrics, last-seen age), drain them and put them back. */
import { assertOperator, type Actor } from "./actor.ts";
import { audit } from "./audit.ts";
import type { NodeRecord } from "./model.ts";
import type { ServiceDeps } from "./ports.ts";
import type { NodeView } from "./views.ts";

export function nodeViewOf({ version: _v, ...n }: NodeRecord, now: number): NodeView {
  return { ...n, lastSeenAgeSec: Math.max(0, Math.round((now - n.lastSeenAt) / 1000)), running: n.holding.length };
}

export async function listNodes(deps: ServiceDeps, actor: Actor): Promise<NodeView[]> {
  assertOperator(actor, "listing nodes");
  const now = deps.clock.now();
  return (await deps.nodes.list()).map((n) => nodeViewOf(n, now));
}

async function setStatus(deps: ServiceDeps, nodeId: string, actor: Actor, to: "draining" | "ready", action: string): Promise<NodeView> {
  assertOperator(actor, action);
  const { node, result: before } = await deps.nodes.update(nodeId, (n) => {
    if (n.status === to) return { next: null, result: null };
    // Draining keeps running tasks (the planner stops giving new ones); the agent is told "drain".
    return { next: { ...n, status: to, desiredStatus: to === "draining" ? "drain" : "run" }, result: { status: n.status, desiredStatus: n.desiredStatus } };
  });
  if (before) {
    await audit(deps, actor, { clientId: null, action, target: { type: "node", id: nodeId }, before, after: { status: node.status, desiredStatus: node.desiredStatus } });
    await deps.trigger.requestPlan(`node ${nodeId} ${to}`, deps.clock.now());
  }
  return nodeViewOf(node, deps.clock.now());
}

/** Finish current tasks, take no new ones. Idempotent. */
export function drainNode(deps: ServiceDeps, input: { nodeId: string }, actor: Actor): Promise<NodeView> {
  return setStatus(deps, input.nodeId, actor, "draining", "node.drain");
}

/** Back into service after a drain or disable. Idempotent. */
export function enableNode(deps: ServiceDeps, input: { nodeId: string }, actor: Actor): Promise<NodeView> {
  return setStatus(deps, input.nodeId, actor, "ready", "node.enable");
}
