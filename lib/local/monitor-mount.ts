/**
 * The web monitor page (lib/monitor) is served at `/` of the local API when that module exists:
 * it exports `monitorAssets()`, a static handler that serves its files and leaves API paths alone.
 * Loaded by a computed specifier so the farm runs (without the page) where the module is absent.
 */
import { existsSync } from "node:fs";
import type { StaticHandler } from "./http-adapter.ts";

export async function loadMonitor(): Promise<StaticHandler | undefined> {
  const url = new URL("../monitor/index.ts", import.meta.url);
  if (!existsSync(url)) return undefined;
  const mod = (await import(url.href)) as { monitorAssets?: () => StaticHandler };
  return mod.monitorAssets?.();
}
