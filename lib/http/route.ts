/**
 * A route is a contract (method, path, who may call, zod schemas) plus an implementation bound
 * to it in lambdas/. The contract alone drives validation, authorization, the OpenAPI document
 * and the CDK routes, so the four cannot drift apart.
 */
import type { z } from "zod";
import type { Principal, PrincipalKind } from "./auth.ts";
import { HttpProblem } from "./problem.ts";

export type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
export type BinaryMediaType = "image/png";

export interface RouteContract<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
> {
  /** Stable name, also the OpenAPI operationId. */
  readonly operationId: string;
  readonly method: Method;
  /** API Gateway style template: `/jobs/{id}`. */
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  readonly accepts: readonly PrincipalKind[];
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  readonly response: R;
  /** Status of a successful reply (200 unless stated). */
  readonly status?: number;
  /** Other success statuses the implementation may answer with `reply(status, body)` (documented in OpenAPI). */
  readonly otherStatuses?: Readonly<Record<number, string>>;
  /**
   * "service": the body schema documents the route but the use case validates it (one parser
   * for both the API and the CLI); the implementation receives the parsed JSON as is.
   */
  readonly bodyValidatedBy?: "route" | "service";
  /** Larger bodies are refused with 413 before parsing. */
  readonly maxBodyBytes?: number;
  /** Request headers the route reads (documented in OpenAPI; the implementation validates them). */
  readonly headerParams?: Readonly<Record<string, { description: string; schema: Record<string, unknown> }>>;
  /**
   * The reply's media type when it is not JSON: the implementation returns the bytes
   * (a Uint8Array), sent as they are (base64 to API Gateway); OpenAPI documents a binary body.
   */
  readonly produces?: BinaryMediaType;
  /** What API Gateway must check before the Lambda runs; default from `accepts` (see gatewayAuthOf). */
  readonly gatewayAuth?: GatewayAuth;
}

/**
 * "jwt": the studio's IdP (clients, operators). "iam": SigV4 (a cloud instance's role session).
 * "none": API Gateway passes the bearer value through and the Lambda verifies it — node tokens
 * and registration secrets are ours, no IdP knows them.
 */
export type GatewayAuth = "jwt" | "iam" | "none";

export function gatewayAuthOf(route: RouteContract): GatewayAuth {
  if (route.gatewayAuth) return route.gatewayAuth;
  return route.accepts.every((k) => k === "agent" || k === "registrant") ? "none" : "jwt";
}

type Out<T> = z.output<NonNullable<T>>;

/** What an implementation receives: validated, typed input and the caller. */
export interface RouteInput<C extends RouteContract> {
  params: Out<C["params"]>;
  query: Out<C["query"]>;
  body: Out<C["body"]>;
  principal: Principal;
  requestId: string;
  headers: Record<string, string | undefined>;
}

/** A success reply with a status other than the contract's default (one of its `otherStatuses`). */
export class Reply<T> {
  constructor(readonly status: number, readonly body: T) {}
}
export const reply = <T>(status: number, body: T): Reply<T> => new Reply(status, body);

export type RouteImpl<C extends RouteContract, D> = (input: RouteInput<C>, deps: D) => Promise<z.input<C["response"]> | Reply<z.input<C["response"]>>>;

export interface BoundRoute<D> {
  readonly contract: RouteContract;
  readonly impl: (input: RouteInput<RouteContract>, deps: D) => Promise<unknown>;
}

export function defineRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType>(
  contract: RouteContract<P, Q, B, R>,
): RouteContract<P, Q, B, R> {
  return contract;
}

export function bindRoute<C extends RouteContract, D>(contract: C, impl: RouteImpl<C, D>): BoundRoute<D> {
  return { contract, impl: impl as BoundRoute<D>["impl"] };
}

/** Compiles `/jobs/{id}/approve` into a matcher returning `{ id }` or null. */
export function pathMatcher(template: string): (path: string) => Record<string, string> | null {
  const names: string[] = [];
  const pattern = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{([A-Za-z0-9_]+)\\?\}/g, (_m, name: string) => {
    names.push(name);
    return "([^/]+)";
  });
  const regex = new RegExp(`^${pattern}/?$`);
  return (path) => {
    const m = regex.exec(path);
    if (!m) return null;
    const out: Record<string, string> = {};
    names.forEach((n, i) => { out[n] = decodePathSegment(n, m[i + 1] ?? ""); });
    return out;
  };
}

function decodePathSegment(name: string, raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    // A broken %-escape is the caller's mistake, not a 500.
    throw HttpProblem.invalid(`path.${name}`, "malformed percent-encoding");
  }
}
