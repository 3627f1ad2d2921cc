/**
 * OpenJD declares outputs only through PATH job parameters with `dataFlow: OUT` or `INOUT`.
 * After a task succeeds, the files it wrote under such directories (modified since the task
 * started) go to the output store, so the farm has them wherever the node's disk is. Bounded:
 * at most `maxFiles` files per task.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { isAbsolute, join, relative } from "node:path";
import type { JobTemplate, ParamValues } from "../../openjd/index.ts";
import type { OutputStore } from "../../service/ports.ts";

export async function uploadNewOutputs(
  template: JobTemplate, parameters: ParamValues, since: number, store: OutputStore, prefix: string, maxFiles = 1000,
): Promise<string[]> {
  const dirs = (template.parameterDefinitions ?? [])
    .filter((d) => d.type === "PATH" && (d.dataFlow === "OUT" || d.dataFlow === "INOUT") && d.objectType !== "FILE")
    .map((d) => String(parameters[d.name] ?? ""))
    .filter((p) => p !== "" && isAbsolute(p));
  const uploaded: string[] = [];
  for (const dir of dirs) {
    for (const file of await newFiles(dir, since, maxFiles - uploaded.length)) {
      const key = `${prefix}${relative(dir, file)}`;
      await store.put(key, await readFile(file));
      uploaded.push(key);
    }
  }
  return uploaded;
}

async function newFiles(dir: string, since: number, budget: number): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    if (out.length >= budget) break;
    if (!e.isFile()) continue;
    const path = join(e.parentPath ?? (e as unknown as { path: string }).path, e.name);
    const s = await stat(path).catch(() => undefined);
    if (s && s.mtimeMs >= since - 1000 && s.size > 0) out.push(path);
  }
  return out;
}
