/** Validation of `parameterDefinitions` (spec §2), including that defaults obey the constraints. */
import { at, type Issues } from "./errors.ts";
import * as check from "./check.ts";
import type { Json } from "./check.ts";
import type { JobParameterDefinition, JobParameterType } from "./model.ts";
import { coerceValue, constraintProblem } from "./parameter-values.ts";

const COMMON = ["name", "type", "description", "default", "allowedValues", "userInterface"] as const;
const FIELDS: Record<JobParameterType, readonly string[]> = {
  STRING: [...COMMON, "minLength", "maxLength"],
  PATH: [...COMMON, "minLength", "maxLength", "objectType", "dataFlow"],
  INT: [...COMMON, "minValue", "maxValue"],
  FLOAT: [...COMMON, "minValue", "maxValue"],
};
const UI_FIELDS: Record<JobParameterType, readonly string[]> = {
  STRING: ["control", "label", "groupLabel"],
  PATH: ["control", "label", "groupLabel", "fileFilters", "fileFilterDefault"],
  INT: ["control", "label", "groupLabel", "singleStepDelta"],
  FLOAT: ["control", "label", "groupLabel", "decimals", "singleStepDelta"],
};
const CONTROLS: Record<JobParameterType, readonly string[]> = {
  STRING: ["LINE_EDIT", "MULTILINE_EDIT", "DROPDOWN_LIST", "CHECK_BOX", "HIDDEN"],
  PATH: ["CHOOSE_INPUT_FILE", "CHOOSE_OUTPUT_FILE", "CHOOSE_DIRECTORY", "DROPDOWN_LIST", "HIDDEN"],
  INT: ["SPIN_BOX", "DROPDOWN_LIST", "HIDDEN"],
  FLOAT: ["SPIN_BOX", "DROPDOWN_LIST", "HIDDEN"],
};
const TYPES: JobParameterType[] = ["STRING", "PATH", "INT", "FLOAT"];

export function validateJobParameters(value: Json | undefined, path: string, issues: Issues): JobParameterDefinition[] {
  const items = check.list(value, path, issues, { min: 1, max: 50 });
  if (!items) return [];
  check.uniqueNames(items, path, issues, "parameter");
  const defs: JobParameterDefinition[] = [];
  items.forEach((item, i) => {
    const def = validateOne(item, at(path, i), issues);
    if (def) defs.push(def);
  });
  return defs;
}

function validateOne(value: Json, path: string, issues: Issues): JobParameterDefinition | undefined {
  const shape = check.object(value, path, issues, { required: ["name", "type"], optional: [...FIELDS.PATH, "minValue", "maxValue"] });
  if (!shape) return undefined;
  const type = check.oneOf(shape["type"], at(path, "type"), issues, TYPES);
  const name = check.identifier(shape["name"], at(path, "name"), issues);
  if (!type || !name) return undefined;
  const before = issues.count;
  for (const key of Object.keys(shape)) {
    if (!FIELDS[type].includes(key)) issues.add(at(path, key), `is not a field of a ${type} parameter (allowed: ${FIELDS[type].join(", ")})`);
  }
  if (shape["description"] !== undefined) check.description(shape["description"], at(path, "description"), issues);
  const def: JobParameterDefinition = { name, type };
  if (shape["description"] !== undefined) def.description = shape["description"] as string;

  const scalar = (key: string): string | number | undefined => {
    const raw = shape[key];
    if (raw === undefined) return undefined;
    const coerced = coerceValue(type === "PATH" ? "STRING" : type, raw);
    if ("problem" in coerced || (typeof raw !== "string" && typeof raw !== "number")) {
      issues.add(at(path, key), "problem" in coerced ? coerced.problem : `expected a ${type} value`);
      return undefined;
    }
    if (typeof raw === "string" && [...raw].length > 1024) issues.add(at(path, key), "must be at most 1024 characters long");
    return raw;
  };
  if (type === "INT" || type === "FLOAT") {
    def.minValue = scalar("minValue");
    def.maxValue = scalar("maxValue");
    if (def.minValue !== undefined && def.maxValue !== undefined && Number(def.minValue) > Number(def.maxValue)) {
      issues.add(at(path, "minValue"), `minValue ${def.minValue} is greater than maxValue ${def.maxValue}`);
    }
  } else {
    def.minLength = check.number(shape["minLength"], at(path, "minLength"), issues, { integer: true, min: 0 });
    def.maxLength = check.number(shape["maxLength"], at(path, "maxLength"), issues, { integer: true, min: 1 });
    if (def.minLength !== undefined && def.maxLength !== undefined && def.minLength > def.maxLength) {
      issues.add(at(path, "minLength"), `minLength ${def.minLength} is greater than maxLength ${def.maxLength}`);
    }
  }
  if (type === "PATH") {
    def.objectType = check.oneOf(shape["objectType"], at(path, "objectType"), issues, ["FILE", "DIRECTORY"] as const);
    def.dataFlow = check.oneOf(shape["dataFlow"], at(path, "dataFlow"), issues, ["NONE", "IN", "OUT", "INOUT"] as const);
  }
  const allowed = check.list(shape["allowedValues"], at(path, "allowedValues"), issues, { min: 1 });
  if (allowed) {
    def.allowedValues = [];
    allowed.forEach((v, i) => {
      const coerced = coerceValue(type, v);
      const textual = type === "STRING" || type === "PATH";
      if ("problem" in coerced || (typeof v !== "string" && typeof v !== "number") || (textual && typeof v !== "string")) {
        issues.add(at(at(path, "allowedValues"), i), "problem" in coerced ? coerced.problem : textual ? `expected a string (quote it: "${String(v)}")` : `expected a ${type} value`);
      } else def.allowedValues!.push(v);
    });
  }
  if (shape["userInterface"] !== undefined) validateUi(shape["userInterface"], at(path, "userInterface"), type, def, issues);
  def.default = scalar("default");
  // As the reference (strict str): a STRING or PATH default written as a number is refused, not converted.
  if ((type === "STRING" || type === "PATH") && typeof def.default === "number") {
    issues.add(at(path, "default"), `expected a string (quote it: "${def.default}")`);
  }
  // Only judge the default against constraints that are themselves well-formed.
  if (def.default !== undefined && issues.count === before) {
    const coerced = coerceValue(type, def.default);
    const problem = "value" in coerced ? constraintProblem(def, coerced.value) : coerced.problem;
    if (problem) issues.add(at(path, "default"), problem);
  }
  for (const key of Object.keys(def) as (keyof JobParameterDefinition)[]) if (def[key] === undefined) delete def[key];
  return def;
}

function validateUi(value: Json, path: string, type: JobParameterType, def: JobParameterDefinition, issues: Issues): void {
  const ui = check.object(value, path, issues, { required: [], optional: UI_FIELDS[type] });
  if (!ui) return;
  const control = check.oneOf(ui["control"], at(path, "control"), issues, CONTROLS[type]);
  const needsAllowed = control === "DROPDOWN_LIST" || control === "CHECK_BOX";
  if (needsAllowed && (def.allowedValues?.length ?? 0) === 0) issues.add(at(path, "control"), `${control} requires allowedValues`);
  if (control && !needsAllowed && control !== "HIDDEN" && def.allowedValues) {
    issues.add(at(path, "control"), `${control} cannot be used with allowedValues`);
  }
  for (const key of ["label", "groupLabel"]) {
    check.string(ui[key], at(path, key), issues, { min: 1, max: 64, noControl: true });
  }
  check.number(ui["decimals"], at(path, "decimals"), issues, { integer: true, min: 0 });
  check.number(ui["singleStepDelta"], at(path, "singleStepDelta"), issues, { exclusiveMin: 0, integer: type === "INT" });
  const filters = check.list(ui["fileFilters"], at(path, "fileFilters"), issues, { min: 1, max: 20 });
  filters?.forEach((f, i) => validateFileFilter(f, at(at(path, "fileFilters"), i), issues));
  if (ui["fileFilterDefault"] !== undefined) validateFileFilter(ui["fileFilterDefault"], at(path, "fileFilterDefault"), issues);
}

const FILTER_PATTERN = /^(\*|\*\.\*|\*\.[^\u0000-\u001f\u007f-\u009f\\/*?[\]#%&{}<>$!'":@`|=]+)$/;

function validateFileFilter(value: Json, path: string, issues: Issues): void {
  const filter = check.object(value, path, issues, { required: ["label", "patterns"] });
  if (!filter) return;
  check.string(filter["label"], at(path, "label"), issues, { min: 1, max: 64, noControl: true });
  const patterns = check.list(filter["patterns"], at(path, "patterns"), issues, { min: 1 });
  patterns?.forEach((p, i) => check.string(p, at(at(path, "patterns"), i), issues, {
    min: 1, max: 20, pattern: FILTER_PATTERN, patternHint: 'a file pattern like "*", "*.*" or "*.exr"',
  }));
}
