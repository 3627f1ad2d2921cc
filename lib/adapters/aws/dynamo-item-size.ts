/**
 * An item's size as DynamoDB counts it toward the 400 KB limit: attribute names and string
 * values in UTF-8 bytes, binary by length, numbers by digits, plus the per-element overhead of
 * maps and lists (AWS "Item sizes and formats"). Slightly over-estimates, never under.
 */
import { ServiceError } from "../../service/errors.ts";
import type { Item } from "./dynamo-table.ts";

export const dynamoItemLimit = 400 * 1024;
/** Writes above this are refused before they are sent: far below the hard limit, with room to grow. */
export const itemBudgetBytes = 300 * 1024;

export function itemBytes(item: Item): number {
  let n = 0;
  for (const [k, v] of Object.entries(item)) if (v !== undefined) n += Buffer.byteLength(k, "utf8") + valueBytes(v);
  return n;
}

function valueBytes(v: unknown): number {
  if (v === null || typeof v === "boolean") return 1;
  if (typeof v === "string") return Buffer.byteLength(v, "utf8");
  if (typeof v === "number") return Math.ceil(String(Math.abs(v)).replace(/[.e+-]/g, "").length / 2) + 1;
  if (v instanceof Uint8Array) return v.byteLength;
  if (Array.isArray(v)) return 3 + v.reduce((s: number, x) => s + 1 + valueBytes(x), 0);
  if (typeof v === "object") {
    let s = 3;
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (x !== undefined) s += 1 + Buffer.byteLength(k, "utf8") + valueBytes(x);
    return s;
  }
  return 0;
}

/** Refuse (before any request) an item that would not fit the budget; returns an upper bound of its size. */
export function assertItemFits(item: Item, what: string, budget = itemBudgetBytes): number {
  // Fast path for plain items: JSON spends at least as many characters as DynamoDB spends
  // bytes on every name and value, and a character is at most 3 UTF-8 bytes.
  if (!Object.values(item).some((v) => v instanceof Uint8Array)) {
    const upper = JSON.stringify(item).length * 3;
    if (upper <= budget) return upper;
  }
  const bytes = itemBytes(item);
  if (bytes > budget) throw new ItemTooLargeError(what, bytes, budget);
  return bytes;
}

export class ItemTooLargeError extends ServiceError {
  constructor(readonly what: string, readonly bytes: number, readonly budget: number) {
    super(`${what}: ${bytes} bytes is over the ${budget}-byte item budget`);
    this.name = "ItemTooLargeError";
  }
}
