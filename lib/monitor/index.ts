/**
 * The web monitor: what a render wrangler watches all day (jobs against their deadlines, the
 * frame grid, nodes, the farm's cost and shares), as static files over the HTTP API.
 *
 *   const monitor = monitorAssets();                   // lib/local: mount at `/`
 *   http.createServer(async (req, res) => (await monitor(req, res)) || api(req, res));
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { buildMonitorAssets, type MonitorAssets, type MonitorConfig } from "./build.ts";
import { createMonitorHandler, type MonitorHandler } from "./static-handler.ts";

export { buildMonitorAssets, buildMonitorAssetsSync, writeMonitorSite, type MonitorAsset, type MonitorAssets, type MonitorConfig } from "./build.ts";
export { createMonitorHandler, contentSecurityPolicy, type MonitorHandler } from "./static-handler.ts";

let built: Promise<MonitorAssets> | undefined;

/** The site built once per process (bearer-token auth, API on the same origin). */
export function builtMonitorAssets(): Promise<MonitorAssets> {
  built ??= buildMonitorAssets();
  return built;
}

/**
 * The handler lib/local mounts at `/`: serves the page's files (built on first request) and
 * resolves false for every other request, which then goes to the API.
 */
export function monitorAssets(): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  let handler: Promise<MonitorHandler> | undefined;
  return async (req, res) => {
    handler ??= builtMonitorAssets().then((a) => createMonitorHandler(a));
    return (await handler)(req, res);
  };
}

/** A request handler serving the monitor; returns false for requests that are not the monitor's. */
export async function monitorHandler(config?: MonitorConfig): Promise<MonitorHandler> {
  return createMonitorHandler(config ? await buildMonitorAssets(config) : await builtMonitorAssets());
}
