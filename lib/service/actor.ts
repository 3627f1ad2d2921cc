import { ForbiddenError } from "./errors.ts";

/** Who is acting, for scoping and audit. `requestId` ties audit events to one request. */
export type Actor = (
  | { kind: "client"; clientId: string }
  | { kind: "operator"; operatorId?: string }
  | { kind: "agent"; nodeId: string }
  | { kind: "system"; component: string }
) & { requestId?: string };

/** A client may only touch its own records; operators (and the system) touch all. */
export function assertCanSeeClient(actor: Actor, clientId: string): void {
  if (actor.kind === "client" && actor.clientId !== clientId) {
    throw new ForbiddenError(`client ${actor.clientId} may not access client ${clientId}'s records`);
  }
  if (actor.kind === "agent") throw new ForbiddenError("agents may only use agent actions");
}

export function assertOperator(actor: Actor, action: string): void {
  if (actor.kind !== "operator" && actor.kind !== "system") {
    throw new ForbiddenError(`${action} needs operator scope`);
  }
}

export function assertAgent(actor: Actor, nodeId: string): void {
  if (actor.kind === "agent" && actor.nodeId === nodeId) return;
  if (actor.kind === "system") return;
  throw new ForbiddenError(`only agent ${nodeId} may act for node ${nodeId}`);
}

export function actorLabel(actor: Actor): string {
  switch (actor.kind) {
    case "client": return `client:${actor.clientId}`;
    case "operator": return `operator:${actor.operatorId ?? "-"}`;
    case "agent": return `agent:${actor.nodeId}`;
    case "system": return `system:${actor.component}`;
  }
}
