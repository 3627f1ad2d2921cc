/**
 * Who is calling. Every request resolves to exactly one principal; routes list the kinds they
 * accept. Sources, in order:
 * 1. API Gateway's JWT authorizer (AWS): claims were verified by API Gateway; we read the role
 *    from `burstfarm:role` (or `custom:role`) and the client from `burstfarm:client`.
 * 2. API Gateway's IAM authorizer (AWS): only the agent role may call, and only agent routes.
 * 3. A bearer token looked up in a token table (local mode; disabled when the table is empty).
 */
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { z } from "zod";
import { HttpProblem } from "./problem.ts";

export type Principal =
  | { kind: "client"; clientId: string; subject: string }
  | { kind: "operator"; subject: string }
  /** `nodeId` when the credential is bound to one node (then it may act only for that node). */
  | { kind: "agent"; subject: string; nodeId?: string };

export type PrincipalKind = Principal["kind"];

const tokenEntry = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("client"), clientId: z.string().min(1) }),
  z.strictObject({ kind: z.literal("operator") }),
  z.strictObject({ kind: z.literal("agent"), nodeId: z.string().min(1).optional() }),
]);
export const tokenTableSchema = z.record(z.string().min(16, "tokens must be at least 16 characters"), tokenEntry);
export type TokenTable = z.infer<typeof tokenTableSchema>;

export interface AuthConfig {
  /** Bearer token → principal (local mode). */
  tokens: TokenTable;
  /** IAM principals whose ARN contains this role name are agents (AWS). */
  agentRoleName?: string;
}

/** Reads `BURSTFARM_TOKENS` (JSON token table) and `BURSTFARM_AGENT_ROLE_NAME`; fails loudly on a bad table. */
export function authConfigFromEnv(env: NodeJS.ProcessEnv): AuthConfig {
  const raw = env.BURSTFARM_TOKENS;
  const tokens = raw ? tokenTableSchema.parse(JSON.parse(raw)) : {};
  return env.BURSTFARM_AGENT_ROLE_NAME ? { tokens, agentRoleName: env.BURSTFARM_AGENT_ROLE_NAME } : { tokens };
}

/** Resolves the caller or throws 401. Never trusts a header the authorizer did not verify. */
export function authenticate(event: APIGatewayProxyEventV2, config: AuthConfig): Principal {
  const authorizer = (event.requestContext as { authorizer?: Record<string, unknown> }).authorizer;
  const jwt = authorizer?.jwt as { claims?: Record<string, unknown> } | undefined;
  if (jwt?.claims) return fromClaims(jwt.claims);
  const iam = authorizer?.iam as { userArn?: string; userId?: string } | undefined;
  if (iam?.userArn) return fromIam(iam.userArn, config);
  return fromBearer(event.headers?.authorization ?? event.headers?.Authorization, config);
}

function fromClaims(claims: Record<string, unknown>): Principal {
  const subject = String(claims.sub ?? "unknown");
  const role = claims["burstfarm:role"] ?? claims["custom:role"];
  const clientId = claims["burstfarm:client"] ?? claims["custom:client"];
  if (role === "operator") return { kind: "operator", subject };
  if (role === "agent") {
    const nodeId = claims["burstfarm:node"];
    return typeof nodeId === "string" && nodeId ? { kind: "agent", subject, nodeId } : { kind: "agent", subject };
  }
  if (role === "client" && typeof clientId === "string" && clientId) return { kind: "client", clientId, subject };
  throw new HttpProblem("forbidden", "token carries no usable burstfarm:role / burstfarm:client claims");
}

function fromIam(userArn: string, config: AuthConfig): Principal {
  if (config.agentRoleName && userArn.includes(`:assumed-role/${config.agentRoleName}/`)) {
    return { kind: "agent", subject: userArn };
  }
  throw new HttpProblem("forbidden", "this IAM principal may not call the API");
}

function fromBearer(header: string | undefined, config: AuthConfig): Principal {
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header.trim()) : null;
  if (!match?.[1]) throw new HttpProblem("unauthorized", "authorization: expected 'Bearer <token>'");
  const token = match[1];
  const entry = Object.hasOwn(config.tokens, token) ? config.tokens[token] : undefined;
  if (!entry) throw new HttpProblem("unauthorized", "authorization: unknown token");
  const subject = `token:${token.slice(0, 4)}…`;
  if (entry.kind === "client") return { kind: "client", clientId: entry.clientId, subject };
  if (entry.kind === "agent") return entry.nodeId ? { kind: "agent", subject, nodeId: entry.nodeId } : { kind: "agent", subject };
  return { kind: "operator", subject };
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

/** An agent credential bound to a node may act only for that node. */
export function assertNode(principal: Principal, nodeId: string): void {
  if (principal.kind === "agent" && principal.nodeId !== undefined && principal.nodeId !== nodeId) {
    throw new HttpProblem("forbidden", `this agent credential is for node ${principal.nodeId}, not ${nodeId}`);
  }
}
