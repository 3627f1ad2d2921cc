/** Principal (who authenticated) → the service's Actor (who acts, for scoping and audit). */
import type { Actor } from "../service/actor.ts";
import { assertNode, type Principal } from "./auth.ts";
import { HttpProblem } from "./problem.ts";

/** `nodeId`: the node a route names (path or body); an agent may name only its own. */
export function actorFor(principal: Principal, requestId: string, nodeId?: string): Actor {
  switch (principal.kind) {
    case "client":
      return { kind: "client", clientId: principal.clientId, requestId };
    case "operator":
      return { kind: "operator", operatorId: principal.subject, requestId };
    case "agent":
      if (nodeId !== undefined) assertNode(principal, nodeId);
      return { kind: "agent", nodeId: principal.nodeId, requestId };
    case "registrant":
      throw new HttpProblem("forbidden", "a registration secret may only register a new node");
  }
}
