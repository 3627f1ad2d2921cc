/**
 * Refuses bodies we will not parse, before parsing them: too large (413) or not JSON (415).
 * Runs before @middy/http-json-body-parser, which then only sees JSON it may parse.
 */
import type { MiddlewareObj } from "@middy/core";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { HttpProblem } from "../problem.ts";

export interface BodyGuardOptions {
  /** Per-request limit in bytes (decoded). */
  maxBytes: (event: APIGatewayProxyEventV2) => number;
}

const jsonType = /^application\/(.+\+)?json($|;.+)/;

export function bodyGuard(options: BodyGuardOptions): MiddlewareObj<APIGatewayProxyEventV2> {
  return {
    before: async (request) => {
      const { body, isBase64Encoded, headers } = request.event;
      if (body === undefined || body === null || body === "") {
        delete (request.event as { body?: string }).body;
        return;
      }
      const bytes = isBase64Encoded ? Buffer.from(body, "base64").length : Buffer.byteLength(body);
      const limit = options.maxBytes(request.event);
      if (bytes > limit) {
        throw new HttpProblem("payload_too_large", `body: ${bytes} bytes exceeds the limit of ${limit}`, [
          { field: "body", problem: `larger than ${limit} bytes` },
        ]);
      }
      // Media types are case-insensitive (RFC 9110 §8.3.1); the JSON parser after us matches lower case only.
      const type = headers?.["content-type"]?.replace(/^[^;]+/, (t) => t.trim().toLowerCase());
      if (!type || !jsonType.test(type)) {
        throw new HttpProblem("unsupported_media_type", `content-type: expected application/json, got ${type ?? "none"}`, [
          { field: "content-type", problem: "expected application/json" },
        ]);
      }
      headers["content-type"] = type;
    },
  };
}
