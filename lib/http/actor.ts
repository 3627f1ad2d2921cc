/** Principal (who authenticated) → the service's Actor (who acts, for scoping and audit). */
import type { Actor } from "../service/actor.ts";
import { assertNode, type Principal } from "./auth.ts";
import { HttpProblem } from "./problem.ts";

export function actorFor(principal: Principal, requestId: string, nodeId?: string): Actor {
  switch (principal.kind) {
    case "client":
      return { kind: "client", clientId: principal.clientId, requestId };
    case "operator":
      return { kind: "operator", operatorId: principal.subject, requestId };
    case "agent": {
      const node = nodeId ?? principal.nodeId;
      if (!node) throw new HttpProblem("forbidden", "agent credential is not bound to a node and none was named");
      assertNode(principal, node);
      return { kind: "agent", nodeId: node, requestId };
    }
  }
}
