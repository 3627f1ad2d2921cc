/**
 * Stable names for the LP's rows and columns, so a cycle's second model (the same problem with
 * lateness priced, solve-lateness.ts) can start from the first model's optimal basis: the two
 * models share most rows and columns, at other indices. A key packs a tag (the row's call site,
 * or the column's kind) and up to three small indices into one exact number; −1 when an index is
 * out of range (that row or column then counts as new: a colder start, never a wrong one).
 */
import type { ColTable } from "./col-table.ts";

/** Row kinds, one per addRow call site (model.ts, farm-rows.ts, share-rows.ts). */
export const ROW = {
  acc: 1, due: 2, late: 3, total: 4, cap: 5, par: 6, acct: 7, budget: 8, ccap: 9, start: 10, farmInstances: 11, farmSpend: 12, share: 13, guar: 14,
} as const;

const A = 2 ** 20;
const B = 2 ** 12;

/** The key of tag with indices a, b, t (each ≥ −1): exact below 2^53. */
export function lpKey(tag: number, a: number, b: number, t: number): number {
  if (a + 1 >= A || b + 1 >= B || t + 1 >= B || a < -1 || b < -1 || t < -1) return -1;
  return ((tag * A + (a + 1)) * B + (b + 1)) * B + (t + 1);
}

/** Column keys' tags: after every row tag, one per column kind (col-table.ts codes). */
const COL_TAG = 32;

/** Per column, its key: its kind and (g, r, t) name it (col-table.ts). */
export function colKeys(cols: ColTable): Float64Array {
  const out = new Float64Array(cols.length);
  const { g, r, t } = cols;
  for (let j = 0; j < out.length; j++) out[j] = lpKey(COL_TAG + cols.kindCodeAt(j), g[j]!, r[j]!, t[j]!);
  return out;
}

/**
 * Per key of `to`, the index of the same key in `from` (−1: new, or unnamed). Null when a key
 * repeats within a model: two rows or columns of one name could not be told apart.
 */
export function keyMap(from: Float64Array, to: Float64Array): Int32Array | null {
  const at = new Map<number, number>();
  for (let i = 0; i < from.length; i++) {
    const k = from[i]!;
    if (k < 0) continue;
    if (at.has(k)) return null;
    at.set(k, i);
  }
  const out = new Int32Array(to.length);
  const used = new Uint8Array(from.length);
  for (let i = 0; i < to.length; i++) {
    const k = to[i]!;
    const j = k < 0 ? -1 : at.get(k) ?? -1;
    if (j >= 0) {
      if (used[j] === 1) return null;
      used[j] = 1;
    }
    out[i] = j;
  }
  return out;
}
