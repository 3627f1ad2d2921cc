/**
 * Where the simulator's real data lives, and how to read it.
 *
 * - `dataPath(name)`: a file bundled in the repo's `data/` folder (small attributed copies,
 *   see data/ATTRIBUTION.md; override with BURSTFARM_DATA_DIR), so scenarios run on a fresh clone.
 * - `sharedDataPath(rel)`: the full third-party collection, `../shared/data` beside the repo
 *   (override with BURSTFARM_SHARED_DATA); may be absent — check `hasSharedData()`.
 * - `readDataText(path)`: file contents as UTF-8, gunzipped when the name ends in `.gz`.
 *
 * Paths are resolved from this file's location, not the working directory, so the CLI and
 * tests find data wherever they are started from.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { DataError } from "./data-error.ts";

const here = dirname(fileURLToPath(import.meta.url));

/** The repository root (the folder holding package.json and data/). */
export const repoRoot: string = resolve(here, "../../..");

/** Absolute path of a file under the repo's bundled `data/` folder. */
export function dataPath(name: string): string {
  const base = process.env.BURSTFARM_DATA_DIR ?? join(repoRoot, "data");
  return isAbsolute(name) ? name : join(base, name);
}

/** Absolute path of a file under the shared third-party data folder. */
export function sharedDataPath(rel = ""): string {
  const base = process.env.BURSTFARM_SHARED_DATA ?? resolve(repoRoot, "../shared/data");
  return join(base, rel);
}

/** True when the shared data folder is present (it is not on a fresh clone). */
export function hasSharedData(): boolean {
  return existsSync(sharedDataPath("SOURCES.md"));
}

/** Read a data file as bytes, gunzipping `.gz`; a missing file is a DataError naming it. */
export function readDataBuffer(path: string): Buffer {
  if (!existsSync(path)) throw new DataError(path, "file not found");
  const raw = readFileSync(path);
  return path.endsWith(".gz") ? gunzipSync(raw) : raw;
}

/** Read a data file as UTF-8 text, gunzipping `.gz`. */
export function readDataText(path: string): string {
  return readDataBuffer(path).toString("utf8");
}

/** Accept text or a Buffer (maybe gzip-compressed: detected by its magic bytes). */
export function toText(input: string | Buffer): string {
  if (typeof input === "string") return input;
  const gz = input.length > 2 && input[0] === 0x1f && input[1] === 0x8b;
  return (gz ? gunzipSync(input) : input).toString("utf8");
}
