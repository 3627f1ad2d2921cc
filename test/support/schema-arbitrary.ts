/**
 * fast-check arbitraries from the JSON Schemas in our OpenAPI document (the subset zod 4's
 * z.toJSONSchema emits: type, properties, required, additionalProperties, propertyNames, items,
 * min/maxItems, min/maxLength, pattern, format date-time/date, enum, const, minimum, maximum,
 * exclusiveMinimum, anyOf, allOf, oneOf of required-sets, minProperties). `valid(schema)` aims
 * inside the schema; `invalid(schema)` breaks a valid value in one place, the way careless
 * scripts and attackers do.
 */
import fc from "fast-check";

export type JsonSchema = Record<string, any>;

const HOUR = 3_600_000;
/** Instants near "now" (most deadlines must be in the future), with a few far ones. */
const instant = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 24 * 30 }).map((h) => Date.now() + h * HOUR) },
  { weight: 1, arbitrary: fc.integer({ min: Date.parse("1990-01-01"), max: Date.parse("2090-01-01") }) },
);

function mergeAllOf(s: JsonSchema): JsonSchema {
  if (!Array.isArray(s.allOf)) return s;
  const { allOf, ...rest } = s;
  return (allOf as JsonSchema[]).reduce<JsonSchema>((acc, part) => {
    const p = mergeAllOf(part);
    return {
      ...acc, ...p,
      properties: { ...acc.properties, ...p.properties },
      required: [...new Set([...(acc.required ?? []), ...(p.required ?? [])])],
    };
  }, rest);
}

function stringOf(s: JsonSchema): fc.Arbitrary<string> {
  const max = Math.min(s.maxLength ?? 24, 24);
  const min = Math.min(s.minLength ?? 0, max);
  if (s.format === "date-time") return instant.map((t) => new Date(t).toISOString());
  if (s.format === "date") return instant.map((t) => new Date(t).toISOString().slice(0, 10));
  if (typeof s.pattern === "string") {
    return fc.stringMatching(new RegExp(s.pattern)).filter((v) => v.length >= (s.minLength ?? 0) && v.length <= (s.maxLength ?? 64));
  }
  return fc.string({ minLength: Math.max(min, 0), maxLength: Math.max(max, min) }).filter((v) => v.length >= (s.minLength ?? 0));
}

function numberOf(s: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const lo = Math.max(s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum : -1e6), -1e9);
  const hi = Math.min(s.maximum ?? 1e6, 1e9);
  if (integer) return fc.integer({ min: Math.ceil(lo + (s.exclusiveMinimum !== undefined ? 1e-9 : 0)), max: Math.floor(hi) });
  // The document's rule for every number: 0 or a magnitude in [1e-130, 2^53 - 1] (what DynamoDB stores).
  return fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true, minExcluded: s.exclusiveMinimum !== undefined })
    .filter((x) => x === 0 || Math.abs(x) >= 1e-130);
}

function objectOf(s: JsonSchema, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const props = (s.properties ?? {}) as Record<string, JsonSchema>;
  const required: string[] = s.required ?? [];
  const shape = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, valid(v, depth + 1)]));
  const base = Object.keys(props).length > 0
    ? fc.record(shape, { requiredKeys: required.filter((k) => k in props) })
    : fc.constant({} as Record<string, unknown>);
  if (s.additionalProperties && typeof s.additionalProperties === "object" && Object.keys(props).length === 0) {
    const key = s.propertyNames ? stringOf(s.propertyNames) : fc.string({ minLength: 1, maxLength: 8 });
    return fc.dictionary(key, valid(s.additionalProperties, depth + 1), { maxKeys: 3, minKeys: s.minProperties ?? 0 });
  }
  if (!Array.isArray(s.oneOf) || s.oneOf.some((b: JsonSchema) => b.type !== undefined)) return base as fc.Arbitrary<Record<string, unknown>>;
  // oneOf of required-sets (a rule on a typed object): make one branch true.
  const forced = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, valid(v, depth + 1)]));
  return fc.tuple(base, fc.constantFrom(...(s.oneOf as JsonSchema[])), fc.record(forced)).map(([o, branch, all]) => {
    const out: Record<string, unknown> = { ...o };
    for (const k of branch.required ?? []) out[k] = all[k];
    for (const k of branch.not?.required ?? []) delete out[k];
    return out;
  });
}

/** Values the schema (mostly) accepts. Cross-field rules not in the schema may still refuse them: that is a 4xx, fine. */
export function valid(schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  const s = mergeAllOf(schema);
  if (s.const !== undefined) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...s.enum);
  if (Array.isArray(s.anyOf) && s.type === undefined) return fc.oneof(...(s.anyOf as JsonSchema[]).map((b) => valid(b, depth + 1)));
  if (Array.isArray(s.oneOf) && s.type === undefined) return fc.oneof(...(s.oneOf as JsonSchema[]).map((b) => valid(b, depth + 1)));
  switch (s.type) {
    case "string": return stringOf(s);
    case "integer": return numberOf(s, true);
    case "number": return numberOf(s, false);
    case "boolean": return fc.boolean();
    case "null": return fc.constant(null);
    case "array": {
      if (depth > 6) return fc.constant([]);
      const maxLength = Math.min(s.maxItems ?? 3, 3);
      return fc.array(valid(s.items ?? {}, depth + 1), { minLength: Math.min(s.minItems ?? 0, maxLength), maxLength });
    }
    case "object": return depth > 6 ? fc.constant({}) : objectOf(s, depth);
    default: return fc.jsonValue({ maxDepth: 2 });
  }
}

/** What careless scripts and attackers put where a value belongs. */
export const nasty: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(5e-324, 3e-146, 1e300, -1e300, 2 ** 60, -1, 0, 1.5, Number.MAX_SAFE_INTEGER, "", " ", "%00", "../..", "null", "中文字符", "🎬🎞️", true, null, [], {}),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constant("x".repeat(5000)),
  fc.constant("9".repeat(400)),
  fc.constant(Array.from({ length: 40 }).reduce<unknown>((inner) => ({ a: inner }), 1)),
  fc.jsonValue({ maxDepth: 3 }),
);

type Path = (string | number)[];

function paths(v: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

function setAt(root: unknown, path: Path, value: unknown, remove = false): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (remove && !Array.isArray(node)) delete node[last];
  else node[last] = value;
  return copy;
}

/** A valid value broken in one place: a field replaced by a nasty value, removed, or an unknown field added. */
export function invalid(schema: JsonSchema): fc.Arbitrary<unknown> {
  return fc.tuple(valid(schema), fc.nat(), nasty, fc.constantFrom("replace", "remove", "add"), fc.string({ minLength: 1, maxLength: 12 }))
    .map(([v, pick, bad, how, key]) => {
      const all = paths(v);
      const path = all[pick % all.length]!;
      if (how === "remove" && path.length > 0) return setAt(v, path, undefined, true);
      if (how === "add" && v && typeof v === "object" && !Array.isArray(v)) return { ...(v as object), [key]: bad };
      return setAt(v, path, bad);
    });
}
