/** The real OpenJD data: verbatim copies in test/fixtures/openjd (see ATTRIBUTION.md there). */
import { readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const openjdData = resolve(repoRoot, "test/fixtures/openjd");
export const conformanceDir = join(openjdData, "openjd-specifications/conformance-tests/2023-09");

export function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  }).sort();
}

export const rel = (path: string): string => path.slice(openjdData.length + 1);
