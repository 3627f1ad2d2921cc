/**
 * A thin adapter from Node's http server to the API Lambda: each request becomes an API
 * Gateway HTTP API (payload v2) event for the very handler that runs in AWS, and its result
 * becomes the response. Nothing here routes, authenticates or validates — the handler does.
 * Requests the API does not serve (the monitor page's files) may go to a static handler first.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import type { ApiHandler } from "../http/api-handler.ts";
import { localContext } from "./lambda-context.ts";

/** Serves a request itself (returns true) or leaves it to the API (false). */
export type StaticHandler = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

/** Above the API's largest route limit (1 MiB), so the handler's own 413 answers first. */
const maxBodyBytes = 2 * 1024 * 1024;

export function toApiEvent(req: IncomingMessage, body: Buffer): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? "/", "http://localhost");
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(",") : v;
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
  const now = Date.now();
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(body.length > 0 ? { body: body.toString("utf8") } : {}),
    isBase64Encoded: false,
    requestContext: {
      accountId: "000000000000", apiId: "local", domainName: headers.host ?? "localhost", domainPrefix: "local",
      http: { method: req.method ?? "GET", path: url.pathname, protocol: `HTTP/${req.httpVersion}`, sourceIp: req.socket.remoteAddress ?? "127.0.0.1", userAgent: headers["user-agent"] ?? "" },
      requestId: randomUUID(), routeKey: "$default", stage: "$default", time: new Date(now).toISOString(), timeEpoch: now,
    },
  } as APIGatewayProxyEventV2;
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function problem(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ error: { code, message, issues: [] }, requestId: null }));
}

/** Rewrites a JSON request body before the handler sees it, and the reply body after. */
export interface BodyTranslator {
  request(path: string, body: unknown): unknown;
  response(path: string, body: unknown): unknown;
}

export function apiServer(api: ApiHandler, staticHandler?: StaticHandler, translate?: BodyTranslator): Server {
  return createServer((req, res) => {
    void (async () => {
      if (staticHandler && (await staticHandler(req, res))) return;
      let body = await readBody(req);
      if (!body) return problem(res, 413, "payload_too_large", `body over ${maxBodyBytes} bytes`);
      const path = new URL(req.url ?? "/", "http://localhost").pathname;
      if (translate && body.length > 0) body = mapJson(body, (v) => translate.request(path, v));
      const result = await api(toApiEvent(req, body), localContext("api", 30_000));
      if (translate && result.body && !result.isBase64Encoded && (result.statusCode ?? 200) < 300) result.body = mapJson(Buffer.from(result.body), (v) => translate.response(path, v)).toString("utf8");
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
      res.writeHead(result.statusCode ?? 200, headers);
      res.end(result.isBase64Encoded && result.body ? Buffer.from(result.body, "base64") : result.body ?? "");
    })().catch(() => {
      // The handler maps its own errors; reaching here means the socket or adapter broke.
      if (!res.headersSent) problem(res, 500, "internal_error", "internal error");
      else res.destroy();
    });
  });
}

/** JSON in, JSON out; a body that is not JSON passes untouched (the handler answers it). */
function mapJson(body: Buffer, f: (value: unknown) => unknown): Buffer {
  let value: unknown;
  try { value = JSON.parse(body.toString("utf8")); } catch { return body; }
  return Buffer.from(JSON.stringify(f(value)));
}

export async function listen(server: Server, port = 0): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
