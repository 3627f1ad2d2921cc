/**
 * Outputs: a task succeeds only if every output it should have written exists, is non-empty
 * and (for PNG) is a whole image; then it is uploaded to the output store under the job's prefix.
 */
import { readFile, stat } from "node:fs/promises";
import { basename } from "node:path";
import type { OutputStore } from "../service/ports.ts";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PNG_IEND = Buffer.from([0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);

/** Why `file` is not a usable output, or undefined when it is. */
export async function outputProblem(file: string): Promise<string | undefined> {
  const s = await stat(file).catch(() => undefined);
  if (!s?.isFile()) return `output ${file} was not written`;
  if (s.size === 0) return `output ${file} is empty`;
  if (/\.png$/i.test(file)) {
    const bytes = await readFile(file);
    if (!bytes.subarray(0, 8).equals(PNG_SIGNATURE) || !bytes.subarray(bytes.length - 8).equals(PNG_IEND)) {
      return `output ${file} is not a complete PNG image`;
    }
  }
  return undefined;
}

/** Checks every file, then uploads them; returns the first problem (nothing uploaded then). */
export async function verifyAndUpload(files: readonly string[], store: OutputStore, prefix: string): Promise<string | undefined> {
  for (const f of files) {
    const problem = await outputProblem(f);
    if (problem) return problem;
  }
  for (const f of files) await store.put(`${prefix}${basename(f)}`, await readFile(f));
  return undefined;
}
