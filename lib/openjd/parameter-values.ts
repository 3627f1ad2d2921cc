/**
 * Job parameter values (spec §2): coerce what a submitter gave (`--param Frames=1-100`,
 * parameter_values.yaml, an API body) to the parameter's type, apply defaults, and check
 * allowedValues, minValue/maxValue and minLength/maxLength.
 */
import { isAbsolute, join, normalize } from "node:path";
import { OpenJdError, type Issue } from "./errors.ts";
import { intProblem } from "./integers.ts";
import type { JobParameterDefinition, JobParameterType } from "./model.ts";

export type ParamValue = string | number;
export type ParamValues = Record<string, ParamValue>;

const FLOAT_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Coerces one raw value to `type`; returns a problem sentence instead of throwing. */
export function coerceValue(type: JobParameterType, raw: unknown): { value: ParamValue } | { problem: string } {
  if (type === "INT") {
    const problem = intProblem(raw);
    return problem ? { problem } : { value: Number(raw) };
  }
  if (type === "FLOAT") {
    if (typeof raw === "number" && Number.isFinite(raw)) return { value: raw };
    if (typeof raw === "string" && FLOAT_TEXT.test(raw.trim())) return { value: Number(raw) };
    return { problem: `${JSON.stringify(raw)} is not a number` };
  }
  if (typeof raw === "string") return { value: raw };
  if (typeof raw === "number" || typeof raw === "boolean") return { value: String(raw) };
  return { problem: `expected a string, got ${raw === null ? "null" : typeof raw}` };
}

/** Checks a coerced value against the definition's constraints; undefined when it passes. */
export function constraintProblem(def: JobParameterDefinition, value: ParamValue): string | undefined {
  if (def.allowedValues) {
    const allowed = def.allowedValues.map((v) => {
      const c = coerceValue(def.type, v);
      return "value" in c ? c.value : v;
    });
    if (!allowed.includes(value)) return `${JSON.stringify(value)} is not one of the allowed values ${JSON.stringify(allowed)}`;
  }
  if (typeof value === "number") {
    const min = def.minValue === undefined ? undefined : Number(def.minValue);
    const max = def.maxValue === undefined ? undefined : Number(def.maxValue);
    if (min !== undefined && value < min) return `${value} is less than minValue ${min}`;
    if (max !== undefined && value > max) return `${value} is greater than maxValue ${max}`;
  } else {
    const length = [...value].length;
    if (length > 1024) return `is ${length} characters long; at most 1024 are allowed`;
    if (def.minLength !== undefined && length < def.minLength) return `is ${length} characters long; minLength is ${def.minLength}`;
    if (def.maxLength !== undefined && length > def.maxLength) return `is ${length} characters long; maxLength is ${def.maxLength}`;
  }
  return undefined;
}

/**
 * Resolves every defined parameter: the given value if any, else its default. Names with a
 * `:` (e.g. `deadline:priority` in Deadline Cloud bundles) belong to the render manager and
 * are ignored; any other unknown name is an error, as is a missing value without a default.
 */
export interface PathBase {
  /** The template file's directory: a relative PATH default is joined to it. */
  templateDir?: string;
  /** Where relative PATH values given by the submitter are relative to (their working directory). */
  cwd?: string;
}

/**
 * Relative PATH values, as the reference (openjd-model `_collect_defaults_2023_09`) makes them
 * absolute: a default joins the template's directory (normalized), a given value joins the
 * submitter's working directory; "" stays "". Without a base (an API submission has no
 * template directory) the value is kept and the agent joins it to the session's working directory.
 */
function absolutePath(value: string, fromDefault: boolean, base: PathBase): string {
  const dir = fromDefault ? base.templateDir : base.cwd;
  if (value === "" || isAbsolute(value) || dir === undefined) return value;
  return fromDefault ? normalize(join(dir, value)) : join(dir, value);
}

export function resolveParameterValues(defs: readonly JobParameterDefinition[], given: Readonly<Record<string, unknown>>, base: PathBase = {}): ParamValues {
  const problems: Issue[] = [];
  const byName = new Map(defs.map((d) => [d.name, d]));
  for (const name of Object.keys(given)) {
    if (!byName.has(name) && !name.includes(":")) {
      const known = defs.map((d) => d.name).join(", ") || "none";
      problems.push({ path: `parameters.${name}`, message: `unknown job parameter (defined: ${known})` });
    }
  }
  const values: ParamValues = {};
  for (const def of defs) {
    const raw = given[def.name] ?? def.default;
    const path = `parameters.${def.name}`;
    if (raw === undefined) {
      problems.push({ path, message: `no value given and the ${def.type} parameter has no default` });
      continue;
    }
    const coerced = coerceValue(def.type, raw);
    if ("problem" in coerced) {
      problems.push({ path, message: coerced.problem });
      continue;
    }
    const problem = constraintProblem(def, coerced.value);
    if (problem) problems.push({ path, message: problem });
    else values[def.name] = def.type === "PATH" ? absolutePath(String(coerced.value), given[def.name] === undefined, base) : coerced.value;
  }
  if (problems.length > 0) throw new OpenJdError(problems);
  return values;
}

/** How a value reads inside a format string. */
export function valueText(value: ParamValue): string {
  return typeof value === "number" ? String(value) : value;
}
