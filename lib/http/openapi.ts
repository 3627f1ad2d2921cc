/**
 * The OpenAPI 3.1 document, generated from the same route contracts and zod schemas that
 * validate requests (zod 4's z.toJSONSchema), so documentation cannot drift from behaviour.
 */
import { z } from "zod";
import { gatewayAuthOf, type RouteContract } from "./route.ts";

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  return rest;
}

function parameters(schema: z.ZodType | undefined, where: "path" | "query"): JsonSchema[] {
  if (!schema) return [];
  const s = jsonSchema(schema, "input") as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(s.properties ?? {}).map(([name, prop]) => ({
    name,
    in: where,
    required: where === "path" || (s.required ?? []).includes(name),
    schema: prop,
    ...(typeof prop.description === "string" ? { description: prop.description } : {}),
  }));
}

const problemSchema: JsonSchema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message", "issues"],
      properties: {
        code: { type: "string" },
        message: { type: "string" },
        issues: {
          type: "array",
          items: { type: "object", properties: { field: { type: "string" }, problem: { type: "string" } } },
        },
      },
    },
    requestId: { type: "string" },
  },
};

export function buildOpenApi(routes: readonly RouteContract[], info: { title: string; version: string; description?: string }): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const r of routes) {
    const status = String(r.status ?? 200);
    const op: JsonSchema = {
      operationId: r.operationId,
      summary: r.summary,
      tags: [r.tag],
      "x-burstfarm-principals": [...r.accepts],
      "x-burstfarm-gateway-auth": gatewayAuthOf(r),
      security: [{ bearer: [] }],
      parameters: [
        ...parameters(r.params, "path"), ...parameters(r.query, "query"),
        ...Object.entries(r.headerParams ?? {}).map(([name, h]) => ({ name, in: "header", required: false, description: h.description, schema: h.schema })),
      ],
      responses: {
        [status]: status === "204"
          ? { description: "done" }
          : r.produces
            ? { description: "ok", content: { [r.produces]: { schema: { type: "string", format: "binary" } } } }
            : { description: "ok", content: { "application/json": { schema: jsonSchema(r.response, "output") } } },
        ...Object.fromEntries(Object.entries(r.otherStatuses ?? {}).map(([code, description]) =>
          [code, { description, content: { "application/json": { schema: jsonSchema(r.response, "output") } } }])),
        "4XX": { description: "refused; names the field and the problem", content: { "application/json": { schema: { $ref: "#/components/schemas/Problem" } } } },
        "5XX": { description: "internal error (no details)", content: { "application/json": { schema: { $ref: "#/components/schemas/Problem" } } } },
      },
    };
    if (r.body) {
      op.requestBody = { required: true, content: { "application/json": { schema: jsonSchema(r.body, "input") } } };
    }
    (paths[r.path] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: "3.1.0",
    info,
    paths,
    components: {
      schemas: { Problem: problemSchema },
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT or local token" } },
    },
  };
}
