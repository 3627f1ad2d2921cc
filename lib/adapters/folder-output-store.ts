/**
 * The output store as a folder (local farm, on-prem without S3): key `a/b/c.png` is the file
 * `<root>/a/b/c.png`. Writes go to a temporary file renamed into place, so a reader never
 * sees half a frame. Keys that would escape the root are refused.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import type { OutputStore } from "../service/ports.ts";

export class FolderOutputStore implements OutputStore {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    const file = this.path(key);
    await mkdir(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(tmp, body);
    await rename(tmp, file);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    return readFile(this.path(key)).catch((err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT") return undefined;
      throw err;
    });
  }

  path(key: string): string {
    const file = resolve(join(this.root, key));
    if (!file.startsWith(this.root + sep)) throw new Error(`output key "${key}" is outside the store`);
    return file;
  }
}
