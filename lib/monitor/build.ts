/**
 * Builds the monitor page: esbuild bundles web/main.ts (Lit components, uPlot, their CSS) into
 * app.js + app.css; index.html and config.json complete the site. In memory for the local farm,
 * or written to a folder for the S3 site (the CDK construct builds synchronously at synth).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build, buildSync, type BuildOptions, type BuildResult } from "esbuild";

export interface MonitorAsset {
  body: Buffer;
  contentType: string;
}

/** Path (`/app.js`) → asset. */
export type MonitorAssets = ReadonlyMap<string, MonitorAsset>;

/**
 * What the page reads at start (`/config.json`): how to authenticate and where the API is.
 * "bearer": the user pastes a token (local farm); "oidc": the studio's login (AWS).
 */
export type MonitorConfig =
  | { auth: "bearer"; apiBase: string }
  | { auth: "oidc"; apiBase: string; issuer: string; clientId: string; scope: string; audience?: string };

const here = import.meta.dirname;

const options: BuildOptions = {
  entryPoints: { app: join(here, "web/main.ts") },
  bundle: true,
  format: "esm",
  target: "es2022",
  platform: "browser",
  minify: true,
  sourcemap: false,
  outdir: "/",
  write: false,
  legalComments: "none",
  logLevel: "silent",
};

const types: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".json": "application/json",
};

function collect(result: BuildResult, config: MonitorConfig): MonitorAssets {
  const assets = new Map<string, MonitorAsset>();
  for (const f of result.outputFiles ?? []) {
    const name = f.path.slice(f.path.lastIndexOf("/"));
    assets.set(name, { body: Buffer.from(f.contents), contentType: types[name.slice(name.lastIndexOf("."))] ?? "application/octet-stream" });
  }
  assets.set("/index.html", { body: readFileSync(join(here, "web/index.html")), contentType: types[".html"]! });
  assets.set("/config.json", { body: Buffer.from(JSON.stringify(config)), contentType: types[".json"]! });
  return assets;
}

export async function buildMonitorAssets(config: MonitorConfig = { auth: "bearer", apiBase: "" }): Promise<MonitorAssets> {
  return collect(await build(options), config);
}

export function buildMonitorAssetsSync(config: MonitorConfig): MonitorAssets {
  return collect(buildSync(options), config);
}

/** Writes the site to `dir` (index.html, app.js, app.css, config.json). */
export function writeMonitorSite(dir: string, config: MonitorConfig): string[] {
  mkdirSync(dir, { recursive: true });
  const assets = buildMonitorAssetsSync(config);
  for (const [name, a] of assets) writeFileSync(join(dir, name), a.body);
  return [...assets.keys()];
}
