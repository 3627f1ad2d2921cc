/**
 * Values format strings resolve to on the host (2023-09 §7.3): job parameters (`Param.*`,
 * `RawParam.*` — equal, as this farm has no path mapping rules), task parameters
 * (`Task.Param.*`, `Task.RawParam.*`), embedded file paths (`Task.File.*`, `Env.File.*`) and
 * `Session.*`. Submission validated every reference, so an unknown one is left as written.
 * A relative PATH job parameter (an API submission has no template directory to resolve it
 * against) reads, as `Param.X`, relative to the session's working directory; `RawParam.X` as given.
 */
import { isAbsolute, join } from "node:path";
import { resolveFormatString, type ParamValues, type TaskParams } from "../../openjd/index.ts";

export interface Scope {
  parameters: ParamValues;
  workingDirectory: string;
  pathMappingRulesFile: string;
  task?: TaskParams;
  taskFiles?: ReadonlyMap<string, string>;
  envFiles?: ReadonlyMap<string, string>;
  /** Names of the PATH job parameters. */
  pathParams?: ReadonlySet<string>;
}

export function makeLookup(scope: Scope): (ref: string) => string | undefined {
  return (ref) => {
    const [a, b, c, ...rest] = ref.split(".");
    if (rest.length > 0 || b === undefined) return undefined;
    if ((a === "Param" || a === "RawParam") && c === undefined) {
      const v = text(scope.parameters[b]);
      const relativePath = a === "Param" && v && scope.pathParams?.has(b) && !isAbsolute(v);
      return relativePath ? join(scope.workingDirectory, v) : v;
    }
    if (a === "Task" && (b === "Param" || b === "RawParam") && c !== undefined) return text(scope.task?.[c]);
    if (a === "Task" && b === "File" && c !== undefined) return scope.taskFiles?.get(c);
    if (a === "Env" && b === "File" && c !== undefined) return scope.envFiles?.get(c);
    if (a === "Session" && c === undefined) {
      if (b === "WorkingDirectory") return scope.workingDirectory;
      if (b === "HasPathMappingRules") return "false";
      if (b === "PathMappingRulesFile") return scope.pathMappingRulesFile;
    }
    return undefined;
  };
}

export function resolveWith(lookup: (ref: string) => string | undefined): (s: string) => string {
  return (s) => resolveFormatString(s, lookup);
}

function text(v: string | number | undefined): string | undefined {
  return v === undefined ? undefined : String(v);
}
