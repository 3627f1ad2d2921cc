/**
 * Embedded files (2023-09 §6): written into the session working directory before each run of
 * the action that owns them, readable (and, when `runnable`, executable) by the owner only.
 * A file without `filename` gets a random name. `data` is a format string resolved on the host.
 */
import { randomBytes } from "node:crypto";
import { chmod, writeFile } from "node:fs/promises";
import { join } from "node:path";

export interface EmbeddedFile {
  name: string;
  type: "TEXT";
  filename?: string;
  runnable?: boolean;
  data: string;
}

/** Where each file will be written (`Task.File.<name>` / `Env.File.<name>`), decided up front so `data` may refer to another file. */
export function embeddedPaths(files: readonly EmbeddedFile[], dir: string): Map<string, string> {
  return new Map(files.map((f) => [f.name, join(dir, f.filename ?? `${f.name}-${randomBytes(6).toString("hex")}`)]));
}

export async function writeEmbeddedFiles(files: readonly EmbeddedFile[], paths: ReadonlyMap<string, string>, resolve: (s: string) => string): Promise<void> {
  for (const f of files) {
    const path = paths.get(f.name)!;
    // Made writable first: the file is rewritten before every run and was left read-only.
    await chmod(path, 0o600).catch(() => {});
    await writeFile(path, resolve(f.data), { mode: 0o600 });
    await chmod(path, f.runnable ? 0o500 : 0o400);
  }
}
