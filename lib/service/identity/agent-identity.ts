/**
 * Which node a caller is. Every agent credential resolves to exactly one node, or to nothing:
 * - a node token (JWT from `NodeCredentials`) → its subject, if that node exists and is not revoked;
 * - an IAM session of the cloud agent role → the cloud node whose instance id is the session
 *   name (an instance profile's session name is the instance id; the record was written at launch).
 * Renewal hands a live token's holder a fresh one; an operator's revocation ends them all.
 */
import { assertAgent, assertOperator, type Actor } from "../actor.ts";
import { audit } from "../audit.ts";
import { ForbiddenError, RetryableError } from "../errors.ts";
import type { NodeRecord } from "../model.ts";
import type { ServiceDeps } from "../ports.ts";
import type { NodeToken } from "./node-credentials.ts";

/** EC2 instance ids: what an instance profile's role session is named. */
const instanceIdPattern = /^i-[0-9a-f]{8,17}$/;

export const isLive = (n: NodeRecord | undefined): n is NodeRecord => n !== undefined && n.revokedAt === undefined;

/** The node a bearer JWT speaks for, or null (bad token, unknown or revoked node). */
export async function nodeForToken(deps: ServiceDeps, token: string): Promise<string | null> {
  const claims = await deps.credentials?.verify(token, deps.clock.now());
  if (!claims) return null;
  return isLive(await deps.nodes.get(claims.nodeId)) ? claims.nodeId : null;
}

/** The cloud node an IAM role session belongs to, or null. Only cloud records written at launch qualify. */
export async function nodeForCloudSession(deps: ServiceDeps, sessionName: string): Promise<string | null> {
  if (!instanceIdPattern.test(sessionName)) return null;
  const node = await deps.nodes.get(sessionName);
  if (!isLive(node) || node.pool !== "cloud" || (node.instanceId ?? node.id) !== sessionName) return null;
  return node.id;
}

/** A token for `nodeId`; 503 when the farm has no signing keys configured. */
export async function issueNodeToken(deps: ServiceDeps, nodeId: string): Promise<NodeToken> {
  if (!deps.credentials) throw new RetryableError("agent tokens are not configured (BURSTFARM_AGENT_TOKEN_KEYS)");
  return deps.credentials.issue(nodeId, deps.clock.now());
}

/** `POST /agents/{nodeId}/token`: the node's current credential buys a fresh token. */
export async function renewNodeToken(deps: ServiceDeps, input: { nodeId: string }, actor: Actor): Promise<{ token: string; tokenExpiresAt: string }> {
  assertAgent(actor, input.nodeId);
  if (!isLive(await deps.nodes.get(input.nodeId))) throw new ForbiddenError(`node ${input.nodeId} is revoked or unknown`);
  const t = await issueNodeToken(deps, input.nodeId);
  return { token: t.token, tokenExpiresAt: new Date(t.expiresAt).toISOString() };
}

/** Operator: every credential of the node stops working at once; it takes no more work. Idempotent. */
export async function revokeNode(deps: ServiceDeps, input: { nodeId: string }, actor: Actor): Promise<NodeRecord> {
  assertOperator(actor, "revoking a node");
  const now = deps.clock.now();
  const { node, result: changed } = await deps.nodes.update(input.nodeId, (n) => n.revokedAt !== undefined
    ? { next: null, result: false }
    : { next: { ...n, revokedAt: now, status: "disabled", desiredStatus: "stop", inbox: [] }, result: true });
  if (changed) {
    await audit(deps, actor, { clientId: null, action: "node.revoke", target: { type: "node", id: node.id }, after: { revokedAt: now } });
    await deps.trigger.requestPlan(`node ${node.id} revoked`, now);
  }
  return node;
}
