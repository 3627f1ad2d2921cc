/**
 * One middy handler serves every HTTP route (one router Lambda: one cold start to keep warm,
 * one IAM role, one bundle). Per request: normalize headers → resolve route → authenticate and
 * authorize → guard and parse the body → validate params/query/body with the route's zod
 * schemas → call the bound implementation → validate and serialize the reply. Errors go to the
 * one error mapper.
 */
import middy from "@middy/core";
import httpHeaderNormalizer from "@middy/http-header-normalizer";
import httpJsonBodyParser from "@middy/http-json-body-parser";
import type { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { MetricUnit, type Metrics } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import type { z } from "zod";
import { authenticate, authorize, type AgentIdentity, type AuthConfig, type Principal } from "./auth.ts";
import { fromZod } from "./error-mapper.ts";
import { bodyGuard } from "./middleware/body-guard.ts";
import { problemResponder } from "./middleware/problem-responder.ts";
import { HttpProblem } from "./problem.ts";
import { pathMatcher, Reply, type BoundRoute } from "./route.ts";
import { assertStorableNumbers } from "../service/storable.ts";

export interface ApiHandlerOptions<D> {
  routes: readonly BoundRoute<D>[];
  /** Built once per container (lambdas/wire.ts), awaited on first use. */
  deps: () => D | Promise<D>;
  auth: AuthConfig;
  /** Resolves agent credentials (node tokens, registration secrets, cloud sessions) to one node. */
  identity?: (deps: D) => AgentIdentity;
  logger: Logger;
  metrics?: Metrics;
  /** Default body limit; routes may set their own. */
  maxBodyBytes?: number;
}

interface Resolved<D> {
  route: BoundRoute<D>;
  params: Record<string, string>;
  principal: Principal;
}

export type ApiHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export function createApiHandler<D>(options: ApiHandlerOptions<D>): ApiHandler {
  const table = options.routes.map((route) => ({ route, match: pathMatcher(route.contract.path) }));
  const resolved = new WeakMap<APIGatewayProxyEventV2, Resolved<D>>();
  const defaultLimit = options.maxBodyBytes ?? 256 * 1024;

  const resolveRoute = async (event: APIGatewayProxyEventV2): Promise<Resolved<D>> => {
    // Authenticate before saying anything about the request, even which paths exist.
    const identity = options.identity ? options.identity(await options.deps()) : undefined;
    const principal = await authenticate(event, options.auth, identity);
    const method = event.requestContext.http.method.toUpperCase();
    const path = event.rawPath;
    const allowed: string[] = [];
    for (const { route, match } of table) {
      const params = match(path);
      if (!params) continue;
      allowed.push(route.contract.method);
      if (route.contract.method !== method) continue;
      authorize(principal, route.contract.accepts);
      return { route, params, principal };
    }
    if (allowed.length > 0) {
      // RFC 9110 §15.5.6: a 405 names the methods the resource does support.
      throw new HttpProblem("method_not_allowed", `${method} is not supported on ${path}`, [], { headers: { allow: [...new Set(allowed)].join(", ") } });
    }
    throw new HttpProblem("not_found", `no route for ${method} ${path}`);
  };

  const core = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const r = resolved.get(event);
    if (!r) throw new Error("route not resolved");
    const { contract, impl } = r.route;
    const body = (event as { body?: unknown }).body;
    if (!contract.body && body !== undefined) throw HttpProblem.invalid("body", "this route takes no body");
    // Before any validation or write: a number DynamoDB cannot store is the caller's 400, not our 500.
    assertStorableNumbers(body);
    const input = {
      params: validate(contract.params, r.params, "path"),
      query: validate(contract.query, event.queryStringParameters ?? {}, "query"),
      body: !contract.body ? undefined : contract.bodyValidatedBy === "service" ? requireBody(body) : validate(contract.body, body, ""),
      principal: r.principal,
      requestId: event.requestContext.requestId,
      headers: event.headers ?? {},
    };
    const out = await impl(input, await options.deps());
    options.metrics?.addMetric(`api.${contract.operationId}`, MetricUnit.Count, 1);
    const replied = out instanceof Reply && contract.otherStatuses?.[out.status] !== undefined;
    const status = replied ? (out as Reply<unknown>).status : contract.status ?? 200;
    const result = replied ? (out as Reply<unknown>).body : out;
    if (status === 204) return { statusCode: 204 };
    if (contract.produces) {
      if (!(result instanceof Uint8Array)) throw new Error(`response of ${contract.operationId} is not bytes`);
      // API Gateway (payload v2) decodes a base64 body marked so; the local adapter does the same.
      return {
        statusCode: status, isBase64Encoded: true, body: Buffer.from(result.buffer, result.byteOffset, result.byteLength).toString("base64"),
        headers: { "content-type": contract.produces, "cache-control": "private, max-age=60", "x-content-type-options": "nosniff" },
      };
    }
    const checked = contract.response.safeParse(result);
    // A reply that breaks our own schema is our bug, never the caller's: 500, logged.
    if (!checked.success) throw new Error(`response of ${contract.operationId} breaks its schema`, { cause: checked.error });
    return { statusCode: status, headers: { "content-type": "application/json" }, body: JSON.stringify(checked.data) };
  };

  const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>(core)
    .use(problemResponder(options.logger))
    .use(injectLambdaContext(options.logger, { resetKeys: true }))
    .use(httpHeaderNormalizer())
    .use({ before: async (request) => { resolved.set(request.event, await resolveRoute(request.event)); } })
    .use(bodyGuard({ maxBytes: (e) => resolved.get(e)?.route.contract.maxBodyBytes ?? defaultLimit }))
    .use(httpJsonBodyParser({ disableContentTypeError: true }));
  if (options.metrics) handler.use(logMetrics(options.metrics, { captureColdStartMetric: true }));
  return handler as unknown as ApiHandler;
}

function validate(schema: z.ZodType | undefined, value: unknown, where: "path" | "query" | ""): unknown {
  if (!schema) return undefined;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw fromZod(parsed.error, where);
  return parsed.data;
}

function requireBody(body: unknown): unknown {
  if (body === undefined) throw HttpProblem.invalid("body", "required: a JSON object");
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw HttpProblem.invalid("body", "expected a JSON object");
  return body;
}
