/**
 * A Node http server in front of the API Lambda handler (payload v2), on a random loopback port,
 * with the web monitor mounted at `/` — what a browser test needs to drive the real page against
 * the real API. Requests are turned into the event API Gateway would send; the reply back into
 * an HTTP response.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import type { ApiHandler } from "../../lib/http/api-handler.ts";
import type { MonitorHandler } from "../../lib/monitor/index.ts";
import { aLambdaContext } from "../builders/api-events.ts";

export interface ServedApi {
  url: string;
  close(): Promise<void>;
}

export function toApiEvent(req: IncomingMessage, body: string): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? "/", "http://local");
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(",") : v;
  const query: Record<string, string> = {};
  // API Gateway joins repeated parameters with commas.
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const method = req.method ?? "GET";
  return {
    version: "2.0", routeKey: "$default", rawPath: url.pathname, rawQueryString: url.search.slice(1), headers,
    ...(url.search ? { queryStringParameters: query } : {}),
    ...(body ? { body } : {}),
    isBase64Encoded: false,
    requestContext: {
      accountId: "000000000000", apiId: "local", domainName: url.host, domainPrefix: "local",
      http: { method, path: url.pathname, protocol: "HTTP/1.1", sourceIp: req.socket.remoteAddress ?? "127.0.0.1", userAgent: headers["user-agent"] ?? "" },
      requestId: randomUUID(), routeKey: "$default", stage: "$default", time: new Date().toISOString(), timeEpoch: Date.now(),
    },
  } as APIGatewayProxyEventV2;
}

export async function serveApi(api: ApiHandler, monitor?: MonitorHandler): Promise<ServedApi> {
  const server = createServer((req, res) => {
    if (monitor?.(req, res)) return;
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      api(toApiEvent(req, Buffer.concat(chunks).toString("utf8")), aLambdaContext("api")).then((r) => {
        res.writeHead(r.statusCode ?? 200, r.headers as Record<string, string>);
        res.end(r.body ?? "");
      }, (err: unknown) => {
        res.writeHead(500, { "content-type": "text/plain" });
        res.end(String(err));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
