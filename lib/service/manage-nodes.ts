import type { Actor } from "./actor.ts";
import type { ServiceDeps } from "./ports.ts";
import type { NodeView } from "./views.ts";

/** Operator only. */
export async function listNodes(deps: ServiceDeps, actor: Actor): Promise<NodeView[]> {
  void deps; void actor;
  throw new Error("listNodes: not implemented yet");
}

/** Finish current tasks, take no new ones. */
export async function drainNode(deps: ServiceDeps, input: { nodeId: string }, actor: Actor): Promise<NodeView> {
  void deps; void input; void actor;
  throw new Error("drainNode: not implemented yet");
}

/** Back into service after a drain or disable. */
export async function enableNode(deps: ServiceDeps, input: { nodeId: string }, actor: Actor): Promise<NodeView> {
  void deps; void input; void actor;
  throw new Error("enableNode: not implemented yet");
}
