/**
 * Format strings (spec §7.3): `{{ Param.Frames }}` interpolation. At submission only job
 * parameters (`Param.*`, `RawParam.*`) resolve; `Task.*`, `Session.*` and `Env.*` are left for
 * the worker host. Validation checks each reference is defined where it is used.
 */
import type { Issues } from "./errors.ts";
import type { JobParameterType } from "./model.ts";

const NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const SESSION_NAMES = new Set(["WorkingDirectory", "HasPathMappingRules", "PathMappingRulesFile"]);

export type Part = { text: string } | { ref: string };

/** Splits a format string into literal text and references; throws a message on bad syntax. */
export function parseFormatString(source: string): Part[] {
  const parts: Part[] = [];
  let pos = 0;
  while (pos < source.length) {
    const open = source.indexOf("{{", pos);
    if (open < 0) {
      parts.push({ text: source.slice(pos) });
      break;
    }
    if (open > pos) parts.push({ text: source.slice(pos, open) });
    const close = source.indexOf("}}", open + 2);
    if (close < 0) throw new Error(`"{{" at offset ${open} is never closed with "}}"`);
    const name = source.slice(open + 2, close).trim();
    if (!NAME.test(name)) throw new Error(`"{{${source.slice(open + 2, close)}}}" is not a value reference like {{Param.Name}}`);
    parts.push({ ref: name });
    pos = close + 2;
  }
  return parts;
}

export function hasReferences(source: string): boolean {
  return source.includes("{{");
}

/** Where a format string sits decides which names it may use (spec §7.3.1 "Scope"). */
export interface RefScope {
  jobParams: ReadonlyMap<string, JobParameterType>;
  /** `Param.<PATH param>` is path-mapped, so only available in environments and step scripts. */
  pathMapped: boolean;
  taskParams?: ReadonlySet<string>;
  taskFiles?: ReadonlySet<string>;
  envFiles?: ReadonlySet<string>;
  session?: boolean;
}

function referenceProblem(name: string, scope: RefScope): string | undefined {
  const [head, second, third, ...rest] = name.split(".");
  if ((head === "Param" || head === "RawParam") && second !== undefined && third === undefined) {
    const type = scope.jobParams.get(second);
    if (type === undefined) return `{{${name}}} refers to job parameter "${second}", which is not defined in parameterDefinitions`;
    if (head === "Param" && type === "PATH" && !scope.pathMapped) {
      return `{{${name}}}: a PATH parameter's Param value is only available in environments and step scripts; use {{RawParam.${second}}}`;
    }
    return undefined;
  }
  if (head === "Task" && (second === "Param" || second === "RawParam") && third !== undefined && rest.length === 0) {
    if (!scope.taskParams) return `{{${name}}}: task parameters are only available in a step's script`;
    return scope.taskParams.has(third) ? undefined : `{{${name}}} refers to task parameter "${third}", which this step does not define`;
  }
  if (head === "Task" && second === "File" && third !== undefined && rest.length === 0) {
    if (!scope.taskFiles) return `{{${name}}}: Task.File is only available in a step's script`;
    return scope.taskFiles.has(third) ? undefined : `{{${name}}} refers to embedded file "${third}", which this step's script does not define`;
  }
  if (head === "Env" && second === "File" && third !== undefined && rest.length === 0) {
    if (!scope.envFiles) return `{{${name}}}: Env.File is only available in an environment`;
    return scope.envFiles.has(third) ? undefined : `{{${name}}} refers to embedded file "${third}", which this environment does not define`;
  }
  if (head === "Session" && second !== undefined && third === undefined && SESSION_NAMES.has(second)) {
    return scope.session ? undefined : `{{${name}}} is only available in environments and step scripts`;
  }
  return `{{${name}}} is not a known value reference`;
}

/** Validates syntax and references of a format string; reports into `issues`. */
export function checkFormatString(source: string, path: string, issues: Issues, scope: RefScope): void {
  let parts: Part[];
  try {
    parts = parseFormatString(source);
  } catch (err) {
    issues.add(path, (err as Error).message);
    return;
  }
  for (const part of parts) {
    if ("ref" in part) {
      const problem = referenceProblem(part.ref, scope);
      if (problem) issues.add(path, problem);
    }
  }
}

/**
 * Replaces every reference `lookup` knows; unknown ones stay as written (host-time values).
 * Callers have validated the string, so syntax errors here are programming errors.
 */
export function resolveFormatString(source: string, lookup: (name: string) => string | undefined): string {
  if (!hasReferences(source)) return source;
  return parseFormatString(source)
    .map((part) => ("text" in part ? part.text : (lookup(part.ref) ?? `{{${part.ref}}}`)))
    .join("");
}
