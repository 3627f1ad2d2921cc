/**
 * INT values. The spec sets no bound, and the reference (Python) keeps any integer exactly;
 * we hold integers as JavaScript numbers, exact up to ±(2^53 − 1). Beyond that we refuse
 * with a message that says so, rather than compute with a rounded value (a YAML or JSON
 * parser has already rounded 9223372036854775807 to 9223372036854776000 by the time we see it).
 */
const INT_TEXT = /^\s*[+-]?\d+\s*$/;

/** Why `raw` is not an integer we can hold exactly, or undefined. */
export function intProblem(raw: unknown): string | undefined {
  const isInt = typeof raw === "number" ? Number.isInteger(raw) : typeof raw === "string" && INT_TEXT.test(raw);
  if (!isInt) return `${JSON.stringify(raw)} is not an integer`;
  if (Number.isSafeInteger(Number(raw))) return undefined;
  const shown = typeof raw === "number" ? `${String(BigInt(raw))} (as parsed)` : JSON.stringify(String(raw).trim());
  return `${shown} is outside ±${Number.MAX_SAFE_INTEGER}, the largest integers handled exactly`;
}
