/**
 * Serves the real API Lambda handler over HTTP on a random loopback port, so a real agent
 * (fetch) can talk to it. `down(true)` drops every connection, as an unreachable API would.
 */
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import type { ApiHandler } from "../../lib/http/api-handler.ts";
import { aLambdaContext } from "../builders/api-events.ts";

export interface ApiHttpServer {
  url: string;
  down(isDown: boolean): void;
  close(): Promise<void>;
}

export async function serveApi(handler: ApiHandler): Promise<ApiHttpServer> {
  let isDown = false;
  const server: Server = createServer((req, res) => {
    if (isDown) { req.socket.destroy(); return; }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://localhost");
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : v ?? ""]));
      const query = Object.fromEntries(url.searchParams);
      const body = Buffer.concat(chunks).toString("utf8");
      const event = {
        version: "2.0", routeKey: "$default", rawPath: url.pathname, rawQueryString: url.search.slice(1), headers,
        ...(Object.keys(query).length ? { queryStringParameters: query } : {}), ...(body ? { body } : {}), isBase64Encoded: false,
        requestContext: {
          accountId: "111111111111", apiId: "local", domainName: "localhost", domainPrefix: "local",
          http: { method: req.method ?? "GET", path: url.pathname, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: headers["user-agent"] ?? "" },
          requestId: randomUUID(), routeKey: "$default", stage: "$default", time: new Date().toISOString(), timeEpoch: Date.now(),
        },
      } as APIGatewayProxyEventV2;
      handler(event, aLambdaContext("api")).then((out) => {
        res.writeHead(out.statusCode ?? 200, (out.headers ?? {}) as Record<string, string>);
        // A binary reply (an image) comes base64-encoded for API Gateway, which sends the bytes.
        res.end(out.isBase64Encoded && out.body ? Buffer.from(out.body, "base64") : out.body ?? "");
      }, () => { res.writeHead(500); res.end(); });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    down: (d) => { isDown = d; if (d) server.closeAllConnections(); },
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
