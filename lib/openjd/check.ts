/**
 * Small structural checks shared by the template validators. Each reports into `Issues`
 * and returns the value when it has the right shape (or undefined), so callers can keep
 * validating siblings and report several problems in one pass.
 */
import { at, type Issues } from "./errors.ts";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

// Cc = C0 and C1 control characters (spec §8).
const CC = /[\u0000-\u001f\u007f-\u009f]/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return `the string ${JSON.stringify(value)}`;
  return `${typeof value} ${String(value)}`;
}

/** An object with exactly the allowed fields; unknown fields are errors, as in the spec's schemas. */
export function object(
  value: unknown, path: string, issues: Issues,
  fields: { required: readonly string[]; optional?: readonly string[] },
): JsonObject | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    issues.add(path, `expected an object, got ${describe(value)}`);
    return undefined;
  }
  const obj = value as JsonObject;
  const allowed = new Set([...fields.required, ...(fields.optional ?? [])]);
  for (const key of Object.keys(obj)) {
    if (!allowed.has(key)) issues.add(at(path, key), `unknown field (allowed: ${[...allowed].join(", ")})`);
  }
  for (const key of fields.required) {
    if (obj[key] === undefined || obj[key] === null) issues.add(at(path, key), "required field is missing");
  }
  return obj;
}

export function list(
  value: unknown, path: string, issues: Issues, limits: { min?: number; max?: number } = {},
): Json[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    issues.add(path, `expected a list, got ${describe(value)}`);
    return undefined;
  }
  const min = limits.min ?? 1;
  if (value.length < min) issues.add(path, `must have at least ${min} element${min === 1 ? "" : "s"}`);
  if (limits.max !== undefined && value.length > limits.max) {
    issues.add(path, `must have at most ${limits.max} elements, has ${value.length}`);
  }
  return value as Json[];
}

export interface StringRules {
  min?: number;
  max?: number;
  /** Reject Cc control characters; `allowWhitespaceControls` lets newline, CR and tab through (descriptions). */
  noControl?: boolean;
  allowWhitespaceControls?: boolean;
  pattern?: RegExp;
  patternHint?: string;
}

export function string(value: unknown, path: string, issues: Issues, rules: StringRules = {}): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string") {
    issues.add(path, `expected a string, got ${describe(value)}`);
    return undefined;
  }
  const length = [...value].length;
  if (rules.min !== undefined && length < rules.min) issues.add(path, `must be at least ${rules.min} character${rules.min === 1 ? "" : "s"} long`);
  if (rules.max !== undefined && length > rules.max) issues.add(path, `must be at most ${rules.max} characters long, is ${length}`);
  if (rules.noControl) {
    const probe = rules.allowWhitespaceControls ? value.replace(/[\n\r\t]/g, "") : value;
    if (CC.test(probe)) issues.add(path, "must not contain control characters");
  }
  if (rules.pattern && !rules.pattern.test(value)) {
    issues.add(path, `${JSON.stringify(value)} is not ${rules.patternHint ?? `of the form ${rules.pattern.source}`}`);
  }
  return value;
}

export function identifier(value: unknown, path: string, issues: Issues): string | undefined {
  return string(value, path, issues, {
    min: 1, max: 64, pattern: IDENTIFIER,
    patternHint: "an identifier (latin letters, digits and _, not starting with a digit)",
  });
}

export function isIdentifier(text: string): boolean {
  return IDENTIFIER.test(text);
}

export function description(value: unknown, path: string, issues: Issues): void {
  string(value, path, issues, { min: 1, max: 2048, noControl: true, allowWhitespaceControls: true });
}

export function oneOf<T extends string>(value: unknown, path: string, issues: Issues, options: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !(options as readonly string[]).includes(value)) {
    issues.add(path, `must be one of ${options.join(", ")}, got ${describe(value)}`);
    return undefined;
  }
  return value as T;
}

/** A number within bounds; `integer` also accepts none but whole numbers. */
export function number(
  value: unknown, path: string, issues: Issues, rules: { integer?: boolean; min?: number; max?: number; exclusiveMin?: number } = {},
): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    issues.add(path, `expected a number, got ${describe(value)}`);
    return undefined;
  }
  if (rules.integer && !Number.isInteger(value)) issues.add(path, `must be an integer, got ${value}`);
  if (rules.min !== undefined && value < rules.min) issues.add(path, `must be at least ${rules.min}, got ${value}`);
  if (rules.exclusiveMin !== undefined && value <= rules.exclusiveMin) issues.add(path, `must be greater than ${rules.exclusiveMin}, got ${value}`);
  if (rules.max !== undefined && value > rules.max) issues.add(path, `must be at most ${rules.max}, got ${value}`);
  return value;
}

/** Names must be unique within a list (steps, parameters, environments). */
export function uniqueNames(items: readonly Json[], path: string, issues: Issues, what: string): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const name = item !== null && typeof item === "object" && !Array.isArray(item) ? item["name"] : undefined;
    if (typeof name !== "string") return;
    const first = seen.get(name);
    if (first !== undefined) issues.add(at(at(path, i), "name"), `duplicate ${what} name "${name}" (also ${path}[${first}])`);
    else seen.set(name, i);
  });
}
