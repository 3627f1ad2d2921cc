/**
 * Who is calling. Every request resolves to exactly one principal; routes list the kinds they
 * accept. Sources, in order:
 * 1. API Gateway's JWT authorizer (AWS): claims were verified by API Gateway; we read the role
 *    from `burstfarm:role` (or `custom:role`) and the client from `burstfarm:client`.
 * 2. API Gateway's IAM authorizer (AWS): only sessions of the cloud agent role, and each session
 *    is exactly one cloud node (the session name is the instance id of a launched node record).
 * 3. A bearer value: a node token (JWT we signed) → that node; a registration secret → a
 *    registrant, who may only register; else the static token table (local mode).
 * Agent credentials are always bound to one node: there is no "any node" agent.
 */
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { z } from "zod";
import { HttpProblem } from "./problem.ts";

export type Principal =
  | { kind: "client"; clientId: string; subject: string }
  | { kind: "operator"; subject: string }
  /** An agent acts for exactly one node. */
  | { kind: "agent"; subject: string; nodeId: string }
  /** Holds an operator's registration secret: may register a new node, nothing else. */
  | { kind: "registrant"; subject: string; secretId: string };

export type PrincipalKind = Principal["kind"];

const tokenEntry = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("client"), clientId: z.string().min(1) }),
  z.strictObject({ kind: z.literal("operator") }),
  z.strictObject({ kind: z.literal("agent"), nodeId: z.string().min(1, "agent tokens must name their node") }),
]);
export const tokenTableSchema = z.record(z.string().min(16, "tokens must be at least 16 characters"), tokenEntry);
export type TokenTable = z.infer<typeof tokenTableSchema>;

export interface AuthConfig {
  /** Bearer token → principal (local mode). */
  tokens: TokenTable;
  /** AWS: sessions of exactly this IAM role are cloud agents (assumable only by ec2.amazonaws.com). */
  cloudAgentRoleName?: string;
}

/** The lookups that turn an agent credential into one node (lib/service/identity, over the stores). */
export interface AgentIdentity {
  nodeForToken(token: string): Promise<string | null>;
  nodeForCloudSession(sessionName: string): Promise<string | null>;
  /** The secret's id when the value is a live registration secret. */
  registrationSecret(secret: string): Promise<string | null>;
  /** An operator revoked this node: every credential naming it stops working. */
  isRevoked(nodeId: string): Promise<boolean>;
}

const noAgents: AgentIdentity = {
  nodeForToken: async () => null, nodeForCloudSession: async () => null, registrationSecret: async () => null, isRevoked: async () => false,
};

/** Reads `BURSTFARM_TOKENS` (JSON token table) and `BURSTFARM_CLOUD_AGENT_ROLE_NAME`; fails loudly on a bad table. */
export function authConfigFromEnv(env: NodeJS.ProcessEnv): AuthConfig {
  const raw = env.BURSTFARM_TOKENS;
  const tokens = raw ? tokenTableSchema.parse(JSON.parse(raw)) : {};
  const role = env.BURSTFARM_CLOUD_AGENT_ROLE_NAME;
  return role ? { tokens, cloudAgentRoleName: role } : { tokens };
}

/** Resolves the caller or throws 401/403. Never trusts a header the authorizer did not verify. */
export async function authenticate(event: APIGatewayProxyEventV2, config: AuthConfig, identity: AgentIdentity = noAgents): Promise<Principal> {
  const authorizer = (event.requestContext as { authorizer?: Record<string, unknown> }).authorizer;
  const jwt = authorizer?.jwt as { claims?: Record<string, unknown> } | undefined;
  const iam = authorizer?.iam as { userArn?: string; userId?: string } | undefined;
  if (jwt?.claims) return notRevoked(fromClaims(jwt.claims), identity);
  if (iam?.userArn) return fromIam(iam.userArn, config, identity);
  return fromBearer(event.headers?.authorization ?? event.headers?.Authorization, config, identity);
}

/** Node tokens and cloud sessions are checked against the node record when resolved; IdP and static agent credentials here. */
async function notRevoked(principal: Principal, identity: AgentIdentity): Promise<Principal> {
  if (principal.kind === "agent" && (await identity.isRevoked(principal.nodeId))) {
    throw new HttpProblem("unauthorized", `node ${principal.nodeId} is revoked`);
  }
  return principal;
}

function fromClaims(claims: Record<string, unknown>): Principal {
  const subject = String(claims.sub ?? "unknown");
  const role = claims["burstfarm:role"] ?? claims["custom:role"];
  const clientId = claims["burstfarm:client"] ?? claims["custom:client"];
  if (role === "operator") return { kind: "operator", subject };
  if (role === "agent") {
    const nodeId = claims["burstfarm:node"];
    if (typeof nodeId === "string" && nodeId) return { kind: "agent", subject, nodeId };
    throw new HttpProblem("forbidden", "an agent token must carry burstfarm:node (agents act for one node)");
  }
  if (role === "client" && typeof clientId === "string" && clientId) return { kind: "client", clientId, subject };
  throw new HttpProblem("forbidden", "token carries no usable burstfarm:role / burstfarm:client claims");
}

/** `arn:aws:sts::<account>:assumed-role/<role>/<session>` → the session's node, for the cloud agent role only. */
async function fromIam(userArn: string, config: AuthConfig, identity: AgentIdentity): Promise<Principal> {
  const m = /^arn:aws[\w-]*:sts::\d{12}:assumed-role\/([\w+=,.@-]+)\/([\w+=,.@-]+)$/.exec(userArn);
  if (!config.cloudAgentRoleName || !m || m[1] !== config.cloudAgentRoleName) {
    throw new HttpProblem("forbidden", "this IAM principal may not call the API");
  }
  const nodeId = await identity.nodeForCloudSession(m[2]!);
  if (!nodeId) throw new HttpProblem("forbidden", `no launched cloud node for session ${m[2]}`);
  return { kind: "agent", subject: userArn, nodeId };
}

async function fromBearer(header: string | undefined, config: AuthConfig, identity: AgentIdentity): Promise<Principal> {
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header.trim()) : null;
  if (!match?.[1]) throw new HttpProblem("unauthorized", "authorization: expected 'Bearer <token>'");
  const token = match[1];
  const entry = Object.hasOwn(config.tokens, token) ? config.tokens[token] : undefined;
  const subject = `token:${token.slice(0, 4)}…`;
  if (entry?.kind === "client") return { kind: "client", clientId: entry.clientId, subject };
  if (entry?.kind === "agent") return notRevoked({ kind: "agent", subject, nodeId: entry.nodeId }, identity);
  if (entry) return { kind: "operator", subject };
  if (/^bfr_/.test(token)) {
    const secretId = await identity.registrationSecret(token);
    if (secretId) return { kind: "registrant", subject: `secret:${secretId}`, secretId };
    throw new HttpProblem("unauthorized", "authorization: registration secret is unknown, revoked or expired");
  }
  if (/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)) {
    const nodeId = await identity.nodeForToken(token);
    if (nodeId) return { kind: "agent", subject: `node:${nodeId}`, nodeId };
    throw new HttpProblem("unauthorized", "authorization: node token is invalid, expired or revoked");
  }
  throw new HttpProblem("unauthorized", "authorization: unknown token");
}

/** 403 when the principal's kind is not one the route accepts. */
export function authorize(principal: Principal, accepts: readonly PrincipalKind[]): void {
  if (!accepts.includes(principal.kind)) {
    throw new HttpProblem("forbidden", `this route is not available to ${principal.kind} credentials`);
  }
}

/**
 * The client a request acts for. Clients act for themselves only: naming another client is a
 * 403, the same answer the service gives for another client's job (one rule, everywhere);
 * operators name the client explicitly.
 */
export function actingClient(principal: Principal, requested: string | undefined): string | undefined {
  if (principal.kind === "client") {
    if (requested !== undefined && requested !== principal.clientId) {
      throw new HttpProblem("forbidden", `client ${principal.clientId} may not act for client ${requested}`);
    }
    return principal.clientId;
  }
  return requested;
}

/** An agent acts only for its own node: another node's id is a 403. */
export function assertNode(principal: Principal, nodeId: string): void {
  if (principal.kind === "agent" && principal.nodeId !== nodeId) {
    throw new HttpProblem("forbidden", `this agent credential is for node ${principal.nodeId}, not ${nodeId}`);
  }
}
