/**
 * The local output store (a folder, `.burstfarm/outputs/`) with a manifest: every write is also
 * a line `{"key","at","bytes"}` in `outputs/manifest.jsonl`, in write order. The files say which
 * frames exist; the manifest says how often and in what order they were written — which is how
 * the summary counts duplicated frames and checks that previews came first, from what happened.
 */
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { FolderOutputStore } from "../adapters/folder-output-store.ts";
import type { OutputStore } from "../service/index.ts";

export interface ManifestEntry {
  key: string;
  /** Real time of the write (epoch ms). */
  at: number;
  bytes: number;
}

export class RecordedOutputStore implements OutputStore {
  private readonly folder: FolderOutputStore;
  readonly manifestPath: string;

  constructor(readonly root: string) {
    this.folder = new FolderOutputStore(root);
    this.manifestPath = join(root, "manifest.jsonl");
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    await this.folder.put(key, body);
    appendFileSync(this.manifestPath, JSON.stringify({ key, at: Date.now(), bytes: body.length }) + "\n");
  }

  get(key: string): Promise<Uint8Array | undefined> {
    return this.folder.get(key);
  }

  entries(): ManifestEntry[] {
    if (!existsSync(this.manifestPath)) return [];
    return readFileSync(this.manifestPath, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as ManifestEntry);
  }
}
