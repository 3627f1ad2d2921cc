/** Validation of one `<StepTemplate>` (spec §3), its parameter space included. */
import { at, type Issues } from "./errors.ts";
import * as check from "./check.ts";
import type { Json } from "./check.ts";
import { buildParameterSpace, type TaskParamInput } from "./build-space.ts";
import { checkFormatString, hasReferences, type RefScope } from "./format-string.ts";
import type { Extension, StepParameterSpaceDefinition, StepTemplate, TaskChunks, TaskParameterDefinition, TaskParameterType } from "./model.ts";
import { validateHostRequirements } from "./validate-host-requirements.ts";
import { validateEnvironments, validateStepScript } from "./validate-scripts.ts";

const STEP_FIELDS = ["name", "description", "dependencies", "stepEnvironments", "hostRequirements", "parameterSpace", "script"];
const TASK_TYPES: TaskParameterType[] = ["INT", "FLOAT", "STRING", "PATH", "CHUNK[INT]"];

export interface StepContext {
  scope: RefScope;
  extensions: ReadonlySet<Extension>;
}

export function validateStep(value: Json, path: string, issues: Issues, ctx: StepContext): StepTemplate | undefined {
  const step = check.object(value, path, issues, { required: ["name", "script"], optional: STEP_FIELDS });
  if (!step) return undefined;
  const name = check.string(step["name"], at(path, "name"), issues, { min: 1, max: 64, noControl: true });
  if (step["description"] !== undefined) check.description(step["description"], at(path, "description"), issues);
  const result: StepTemplate = { name: name ?? "", script: {} };
  if (step["description"] !== undefined) result.description = step["description"] as string;

  const deps = check.list(step["dependencies"], at(path, "dependencies"), issues, { min: 1 });
  if (deps) {
    result.dependencies = [];
    deps.forEach((d, i) => {
      const depPath = at(at(path, "dependencies"), i);
      const dep = check.object(d, depPath, issues, { required: ["dependsOn"] });
      const on = dep ? check.string(dep["dependsOn"], at(depPath, "dependsOn"), issues, { min: 1, max: 64 }) : undefined;
      if (on !== undefined) result.dependencies!.push({ dependsOn: on });
    });
  }
  if (step["hostRequirements"] !== undefined) {
    result.hostRequirements = validateHostRequirements(step["hostRequirements"], at(path, "hostRequirements"), issues, ctx.scope);
  }
  let taskParams = new Set<string>();
  if (step["parameterSpace"] !== undefined) {
    result.parameterSpace = validateParameterSpace(step["parameterSpace"], at(path, "parameterSpace"), issues, ctx);
    taskParams = new Set(result.parameterSpace?.taskParameterDefinitions.map((p) => p.name));
  }
  if (step["stepEnvironments"] !== undefined) {
    validateEnvironments(step["stepEnvironments"], at(path, "stepEnvironments"), issues, { ...ctx.scope, pathMapped: true, session: true });
    result.stepEnvironments = step["stepEnvironments"] as Record<string, unknown>[];
  }
  const script = validateStepScript(step["script"], at(path, "script"), issues, { ...ctx.scope, taskParams });
  if (script) result.script = script;
  return result;
}

function validateParameterSpace(value: Json, path: string, issues: Issues, ctx: StepContext): StepParameterSpaceDefinition | undefined {
  const space = check.object(value, path, issues, { required: ["taskParameterDefinitions"], optional: ["combination"] });
  if (!space) return undefined;
  const defsPath = at(path, "taskParameterDefinitions");
  const items = check.list(space["taskParameterDefinitions"], defsPath, issues, { min: 1, max: 16 }) ?? [];
  check.uniqueNames(items, defsPath, issues, "task parameter");
  const defs = items.flatMap((item, i) => validateTaskParameter(item, at(defsPath, i), issues, ctx) ?? []);
  const chunked = defs.filter((d) => d.type === "CHUNK[INT]");
  if (chunked.length > 1) issues.add(defsPath, `only one CHUNK[INT] task parameter is allowed, found ${chunked.map((d) => d.name).join(", ")}`);
  const combination = check.string(space["combination"], at(path, "combination"), issues, {
    min: 1, max: 1280, pattern: /^[A-Za-z0-9_*(), ]+$/, patternHint: "a combination expression (parameter names, spaces, *, (, ) and commas)",
  });
  if (defs.length === items.length) {
    // Ranges that still hold {{Param.X}} are checked again once values are known (create-job).
    const inputs: TaskParamInput[] = defs.map((d) => ({
      name: d.name, type: d.type,
      ...(!refsIn(d.range) && { range: d.range }),
      ...(d.chunks && { chunks: literalChunks(d.chunks) }),
    }));
    buildParameterSpace(inputs, combination, path, issues);
  }
  return { taskParameterDefinitions: defs, ...(combination !== undefined && { combination }) };
}

function refsIn(range: string | (string | number)[]): boolean {
  return typeof range === "string" ? hasReferences(range) : range.some((v) => typeof v === "string" && hasReferences(v));
}

function literalChunks(c: TaskChunks): TaskParamInput["chunks"] {
  const num = (v: number | string | undefined) => (typeof v === "number" ? v : undefined);
  return {
    rangeConstraint: c.rangeConstraint,
    ...(num(c.defaultTaskCount) !== undefined && { defaultTaskCount: num(c.defaultTaskCount) }),
    ...(num(c.targetRuntimeSeconds) !== undefined && { targetRuntimeSeconds: num(c.targetRuntimeSeconds) }),
  };
}

function validateTaskParameter(value: Json, path: string, issues: Issues, ctx: StepContext): TaskParameterDefinition | undefined {
  const def = check.object(value, path, issues, { required: ["name", "type", "range"], optional: ["chunks"] });
  if (!def) return undefined;
  const name = check.identifier(def["name"], at(path, "name"), issues);
  const type = check.oneOf(def["type"], at(path, "type"), issues, TASK_TYPES);
  if (!name || !type) return undefined;
  const rangePath = at(path, "range");
  const scope: RefScope = { jobParams: ctx.scope.jobParams, pathMapped: false };
  const range = def["range"];
  let result: TaskParameterDefinition | undefined;
  if (typeof range === "string") {
    check.string(range, rangePath, issues, { min: 1 });
    if (hasReferences(range)) checkFormatString(range, rangePath, issues, scope);
    result = { name, type, range };
  } else if (Array.isArray(range)) {
    check.list(range, rangePath, issues, { min: 1, max: 1024 });
    const values: (string | number)[] = [];
    range.forEach((v, j) => {
      const okType = typeof v === "string" || (typeof v === "number" && type !== "STRING" && type !== "PATH");
      if (!okType) issues.add(at(rangePath, j), `expected ${type === "STRING" || type === "PATH" ? "a string" : "a number or a string"}, got ${check.describe(v)}`);
      else {
        if (typeof v === "string" && hasReferences(v)) checkFormatString(v, at(rangePath, j), issues, scope);
        values.push(v as string | number);
      }
    });
    result = { name, type, range: values };
  } else {
    issues.add(rangePath, `expected a list of values${type === "INT" || type === "CHUNK[INT]" ? " or a range expression string like \"1-100\"" : ""}, got ${check.describe(range)}`);
  }
  if (type === "CHUNK[INT]") {
    if (!ctx.extensions.has("TASK_CHUNKING")) issues.add(at(path, "type"), "CHUNK[INT] requires the TASK_CHUNKING extension (add `extensions: [TASK_CHUNKING]`)");
    if (def["chunks"] === undefined) issues.add(at(path, "chunks"), "required for a CHUNK[INT] parameter");
    else {
      const chunks = validateChunks(def["chunks"], at(path, "chunks"), issues, scope);
      if (chunks && result) result.chunks = chunks;
    }
  } else if (def["chunks"] !== undefined) {
    issues.add(at(path, "chunks"), "only a CHUNK[INT] parameter may have chunks");
  }
  return result;
}

function validateChunks(value: Json, path: string, issues: Issues, scope: RefScope): TaskChunks | undefined {
  const c = check.object(value, path, issues, { required: ["defaultTaskCount", "rangeConstraint"], optional: ["targetRuntimeSeconds"] });
  if (!c) return undefined;
  const intOrFormat = (key: string, min: number): number | string | undefined => {
    const v = c[key];
    if (typeof v === "string" && hasReferences(v)) {
      checkFormatString(v, at(path, key), issues, scope);
      return v;
    }
    const n = typeof v === "string" && /^\s*\d+\s*$/.test(v) ? Number(v) : v;
    return check.number(n ?? undefined, at(path, key), issues, { integer: true, min });
  };
  const defaultTaskCount = intOrFormat("defaultTaskCount", 1);
  const targetRuntimeSeconds = c["targetRuntimeSeconds"] === undefined ? undefined : intOrFormat("targetRuntimeSeconds", 0);
  const rangeConstraint = check.oneOf(c["rangeConstraint"], at(path, "rangeConstraint"), issues, ["CONTIGUOUS", "NONCONTIGUOUS"] as const);
  if (defaultTaskCount === undefined || !rangeConstraint) return undefined;
  return { defaultTaskCount, rangeConstraint, ...(targetRuntimeSeconds !== undefined && { targetRuntimeSeconds }) };
}
