/**
 * Numbers DynamoDB can store, checked before anything is written. DynamoDB keeps numbers of
 * magnitude 1e-130 … 9.99e125, and the DocumentClient refuses anything beyond ±(2^53 − 1) unless
 * given as BigInt — so a request number outside [1e-130, 2^53 − 1] (or not finite) would fail
 * mid-write. We refuse it up front, naming the field.
 */
import { ValidationError } from "./errors.ts";
import { fieldPath } from "./job-spec.ts";

export const smallestStorable = 1e-130;
export const largestStorable = Number.MAX_SAFE_INTEGER;

export function isStorableNumber(x: number): boolean {
  if (!Number.isFinite(x)) return false;
  const m = Math.abs(x);
  return m === 0 || (m >= smallestStorable && m <= largestStorable);
}

/** The path of the first number in `value` DynamoDB could not store, or null. Walks JSON-shaped data of any depth. */
export function firstUnstorableNumber(value: unknown): { path: PropertyKey[]; value: number } | null {
  // Parent links, not copied paths: a body nested 100,000 deep must cost linear time.
  type At = { v: unknown; key: PropertyKey; parent: At | null };
  const stack: At[] = [{ v: value, key: "", parent: null }];
  while (stack.length > 0) {
    const at = stack.pop()!;
    const v = at.v;
    if (typeof v === "number") {
      if (!isStorableNumber(v)) return { path: pathOf(at), value: v };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], key: i, parent: at });
    } else if (v !== null && typeof v === "object" && !ArrayBuffer.isView(v)) {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) stack.push({ v: entries[i]![1], key: entries[i]![0], parent: at });
    }
  }
  return null;

  function pathOf(at: At): PropertyKey[] {
    const out: PropertyKey[] = [];
    for (let a: At | null = at; a?.parent; a = a.parent) out.push(a.key);
    return out.reverse();
  }
}

export const unstorableProblem = (x: number): string =>
  `${x} is out of range: numbers must be 0 or between 1e-130 and 9007199254740991 (2^53 - 1) in magnitude`;

/** ValidationError on the first unstorable number, its field named under `prefix`. */
export function assertStorableNumbers(value: unknown, prefix: PropertyKey[] = []): void {
  const bad = firstUnstorableNumber(value);
  if (!bad) return;
  // A field 100,000 levels deep is named by its first levels, not a 300 KB path.
  const path = [...prefix, ...bad.path];
  const shown = path.length > 16 ? `${fieldPath(path.slice(0, 16))}…` : fieldPath(path);
  throw new ValidationError(shown, unstorableProblem(bad.value));
}
