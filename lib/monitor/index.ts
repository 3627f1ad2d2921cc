/**
 * The web monitor: what a render wrangler watches all day (jobs against their deadlines, the
 * frame grid, nodes, the farm's cost and shares), as static files over the HTTP API.
 *
 *   const handler = await monitorHandler();            // lib/local: mount at `/`
 *   http.createServer((req, res) => handler(req, res) || api(req, res));
 */
import { buildMonitorAssets, type MonitorAssets, type MonitorConfig } from "./build.ts";
import { createMonitorHandler, type MonitorHandler } from "./static-handler.ts";

export { buildMonitorAssets, buildMonitorAssetsSync, writeMonitorSite, type MonitorAsset, type MonitorAssets, type MonitorConfig } from "./build.ts";
export { createMonitorHandler, contentSecurityPolicy, type MonitorHandler } from "./static-handler.ts";

let built: Promise<MonitorAssets> | undefined;

/** The site built once per process (bearer-token auth, API on the same origin). */
export function monitorAssets(): Promise<MonitorAssets> {
  built ??= buildMonitorAssets();
  return built;
}

/** A request handler serving the monitor; returns false for requests that are not the monitor's. */
export async function monitorHandler(config?: MonitorConfig): Promise<MonitorHandler> {
  return createMonitorHandler(config ? await buildMonitorAssets(config) : await monitorAssets());
}
