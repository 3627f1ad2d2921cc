/** Locates the real OpenJD data shipped beside the repo (../shared/data/openjd). */
import { readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const openjdData = resolve(repoRoot, "../shared/data/openjd");
export const conformanceDir = join(openjdData, "openjd-specifications/conformance-tests/2023-09");

export function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  }).sort();
}

export const rel = (path: string): string => path.slice(openjdData.length + 1);
