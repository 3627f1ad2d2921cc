/**
 * Validation of what runs on a worker: environments (§4), step scripts (§3.5), actions (§5)
 * and embedded files (§6). These are kept as data for the agent; here we only make sure
 * they are well formed and that their format strings refer to names that exist.
 */
import { at, type Issues } from "./errors.ts";
import * as check from "./check.ts";
import type { Json, JsonObject } from "./check.ts";
import { checkFormatString, type RefScope } from "./format-string.ts";

const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function validateEnvironments(value: Json | undefined, path: string, issues: Issues, scope: RefScope): string[] {
  const items = check.list(value, path, issues, { min: 1 });
  if (!items) return [];
  check.uniqueNames(items, path, issues, "environment");
  const names: string[] = [];
  items.forEach((item, i) => {
    const name = validateEnvironment(item, at(path, i), issues, scope);
    if (name) names.push(name);
  });
  return names;
}

export function validateEnvironment(value: Json | undefined, path: string, issues: Issues, scope: RefScope): string | undefined {
  const env = check.object(value, path, issues, { required: ["name"], optional: ["description", "script", "variables"] });
  if (!env) return undefined;
  const name = check.string(env["name"], at(path, "name"), issues, { min: 1, max: 64, noControl: true });
  if (env["description"] !== undefined) check.description(env["description"], at(path, "description"), issues);
  if (env["script"] === undefined && env["variables"] === undefined) issues.add(path, "an environment needs a script or variables (or both)");
  let envFiles = new Set<string>();
  if (env["script"] !== undefined) {
    const script = check.object(env["script"], at(path, "script"), issues, { required: ["actions"], optional: ["embeddedFiles"] });
    if (script) {
      envFiles = validateEmbeddedFiles(script["embeddedFiles"], at(at(path, "script"), "embeddedFiles"), issues, { ...scope, envFiles: new Set(), session: true, pathMapped: true });
      const inner: RefScope = { ...scope, envFiles, session: true, pathMapped: true };
      const actionsPath = at(at(path, "script"), "actions");
      // The schema page lists onEnter as required, but the reference (openjd-model
      // EnvironmentActions) and the spec's environment samples accept either one: we follow the reference.
      const actions = check.object(script["actions"], actionsPath, issues, { required: [], optional: ["onEnter", "onExit"] });
      if (actions) {
        if (actions["onEnter"] === undefined && actions["onExit"] === undefined) issues.add(actionsPath, "define onEnter, onExit or both");
        if (actions["onEnter"] !== undefined) validateAction(actions["onEnter"], at(actionsPath, "onEnter"), issues, inner);
        if (actions["onExit"] !== undefined) validateAction(actions["onExit"], at(actionsPath, "onExit"), issues, inner);
      }
    }
  }
  if (env["variables"] !== undefined) validateVariables(env["variables"], at(path, "variables"), issues, { ...scope, envFiles, session: true, pathMapped: true });
  return name;
}

function validateVariables(value: Json, path: string, issues: Issues, scope: RefScope): void {
  const vars = check.object(value, path, issues, { required: [], optional: Object.keys(value ?? {}) });
  if (!vars) return;
  if (Object.keys(vars).length === 0) issues.add(path, "must define at least one variable");
  for (const [key, v] of Object.entries(vars)) {
    const varPath = at(path, key);
    if (!ENV_VAR_NAME.test(key) || key.length > 256) issues.add(varPath, "variable names are latin letters, digits and _, not starting with a digit, at most 256 characters");
    const text = check.string(v, varPath, issues, { max: 2048 });
    if (text !== undefined) checkFormatString(text, varPath, issues, scope);
  }
}

/** A step's `script` (§3.5); `taskParams` are the step's task parameter names. */
export function validateStepScript(value: Json | undefined, path: string, issues: Issues, scope: RefScope): JsonObject | undefined {
  const script = check.object(value, path, issues, { required: ["actions"], optional: ["embeddedFiles"] });
  if (!script) return undefined;
  const taskFiles = validateEmbeddedFiles(script["embeddedFiles"], at(path, "embeddedFiles"), issues, { ...scope, taskFiles: new Set(), session: true, pathMapped: true });
  const inner: RefScope = { ...scope, taskFiles, session: true, pathMapped: true };
  const actions = check.object(script["actions"], at(path, "actions"), issues, { required: ["onRun"] });
  if (actions) validateAction(actions["onRun"], at(at(path, "actions"), "onRun"), issues, inner);
  return script;
}

function validateEmbeddedFiles(value: Json | undefined, path: string, issues: Issues, scope: RefScope): Set<string> {
  const names = new Set<string>();
  const items = check.list(value, path, issues, { min: 1 });
  if (!items) return names;
  check.uniqueNames(items, path, issues, "embedded file");
  for (const item of items) {
    const n = item !== null && typeof item === "object" && !Array.isArray(item) ? item["name"] : undefined;
    if (typeof n === "string") names.add(n);
  }
  // Files may refer to each other (Task.File.X inside another file's data).
  const fileScope: RefScope = scope.envFiles ? { ...scope, envFiles: names } : { ...scope, taskFiles: names };
  items.forEach((item, i) => {
    const p = at(path, i);
    const file = check.object(item, p, issues, { required: ["name", "type", "data"], optional: ["filename", "runnable"] });
    if (!file) return;
    check.identifier(file["name"], at(p, "name"), issues);
    check.oneOf(file["type"], at(p, "type"), issues, ["TEXT"] as const);
    check.string(file["filename"], at(p, "filename"), issues, {
      min: 1, max: 64, pattern: /^[^/\\]+$/, patternHint: "a bare file name (no directories)",
    });
    if (file["runnable"] !== undefined && typeof file["runnable"] !== "boolean") issues.add(at(p, "runnable"), "expected true or false");
    const data = check.string(file["data"], at(p, "data"), issues, { min: 1 });
    if (data !== undefined) checkFormatString(data, at(p, "data"), issues, fileScope);
  });
  return names;
}

function validateAction(value: Json | undefined, path: string, issues: Issues, scope: RefScope): void {
  const action = check.object(value, path, issues, { required: ["command"], optional: ["args", "timeout", "cancelation"] });
  if (!action) return;
  const command = check.string(action["command"], at(path, "command"), issues, { min: 1, noControl: true });
  if (command !== undefined) checkFormatString(command, at(path, "command"), issues, scope);
  // As the reference (ArgListType = conlist(min_items=1)): omit args rather than give an empty list.
  const args = check.list(action["args"], at(path, "args"), issues, { min: 1 });
  args?.forEach((arg, i) => {
    const argPath = at(at(path, "args"), i);
    const text = check.string(arg, argPath, issues, { noControl: true });
    if (text !== undefined) checkFormatString(text, argPath, issues, scope);
  });
  check.number(action["timeout"], at(path, "timeout"), issues, { integer: true, min: 1 });
  if (action["cancelation"] !== undefined) {
    const cPath = at(path, "cancelation");
    const cancel = check.object(action["cancelation"], cPath, issues, { required: ["mode"], optional: ["notifyPeriodInSeconds"] });
    const mode = cancel && check.oneOf(cancel["mode"], at(cPath, "mode"), issues, ["TERMINATE", "NOTIFY_THEN_TERMINATE"] as const);
    if (cancel && cancel["notifyPeriodInSeconds"] !== undefined) {
      if (mode === "TERMINATE") issues.add(at(cPath, "notifyPeriodInSeconds"), "only applies to mode NOTIFY_THEN_TERMINATE");
      check.number(cancel["notifyPeriodInSeconds"], at(cPath, "notifyPeriodInSeconds"), issues, { integer: true, min: 1, max: 600 });
    }
  }
}
