/** Operator routes for agent identity: registration secrets (issue, list, revoke) and node revocation. */
import { z } from "zod";
import { registrationSecretInputSchema } from "../../service/identity/registration-secrets.ts";
import { defineRoute } from "../route.ts";
import { idParams, isoOut } from "./common.ts";
import { nodeView } from "./farm.ts";

export const secretView = z.object({
  id: z.string(),
  label: z.string(),
  nodeId: z.string().nullable().describe("bound to this one node (it may re-register as itself), or null: admits new nodes only"),
  createdAt: isoOut,
  expiresAt: isoOut.nullable(),
  revokedAt: isoOut.nullable(),
  powerIdleW: z.number(),
  powerBusyW: z.number(),
});

export const issueRegistrationSecret = defineRoute({
  operationId: "issueRegistrationSecret", method: "POST", path: "/registration-secrets", tag: "identity", status: 201,
  summary: "Issue a registration secret for on-prem agents (its value is shown only in this reply); it sets the power figures of the nodes it admits",
  accepts: ["operator"], body: registrationSecretInputSchema,
  response: secretView.extend({ secret: z.string() }),
});

export const listRegistrationSecrets = defineRoute({
  operationId: "listRegistrationSecrets", method: "GET", path: "/registration-secrets", tag: "identity",
  summary: "Registration secrets (never their values)", accepts: ["operator"],
  response: z.object({ items: z.array(secretView) }),
});

export const revokeRegistrationSecret = defineRoute({
  operationId: "revokeRegistrationSecret", method: "DELETE", path: "/registration-secrets/{id}", tag: "identity",
  summary: "The secret admits no more agents (nodes it admitted keep their tokens; revoke those nodes separately)",
  accepts: ["operator"], params: idParams, response: secretView,
});

export const revokeNode = defineRoute({
  operationId: "revokeNode", method: "POST", path: "/nodes/{id}/revoke", tag: "nodes",
  summary: "Every credential of this node stops working at once (tokens, IAM sessions); it gets no more work",
  accepts: ["operator"], params: idParams, response: nodeView,
});
