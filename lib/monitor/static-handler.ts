/**
 * Serves the built monitor next to the API on one Node http server (the local farm mounts it
 * at `/`). Answers GET/HEAD for the site's files and returns false for anything else, so the
 * caller passes the request on to the API.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { MonitorAssets } from "./build.ts";

/**
 * Same-origin only: the page talks to the API it was served with (or, in AWS, through the
 * same CloudFront distribution); the OIDC provider is the one other origin it may reach.
 */
export function contentSecurityPolicy(connectSrc: readonly string[] = []): string {
  return [
    "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:",
    `connect-src 'self'${connectSrc.map((s) => ` ${s}`).join("")}`, "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'",
  ].join("; ");
}

export type MonitorHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

export function createMonitorHandler(assets: MonitorAssets, options: { connectSrc?: readonly string[] } = {}): MonitorHandler {
  const csp = contentSecurityPolicy(options.connectSrc);
  return (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    const path = new URL(req.url ?? "/", "http://local").pathname;
    const asset = assets.get(path === "/" ? "/index.html" : path);
    if (!asset) return false;
    res.writeHead(200, {
      "content-type": asset.contentType,
      "content-length": asset.body.length,
      // Rebuilt on every start, not content-hashed: never let a browser keep a stale bundle.
      "cache-control": "no-cache",
      "content-security-policy": csp,
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
    });
    res.end(req.method === "HEAD" ? undefined : asset.body);
    return true;
  };
}
