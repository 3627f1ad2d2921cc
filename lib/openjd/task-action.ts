/**
 * What a worker runs for one task: the step's `onRun` action with job parameters
 * (`Param.*`, `RawParam.*`) and task parameters (`Task.Param.*`, `Task.RawParam.*`)
 * substituted. Host-only values (`Session.*`, `Task.File.*`) are left for the agent, which
 * knows its working directory. No path mapping is applied, so `Param.X` equals `RawParam.X`.
 */
import { OpenJdError } from "./errors.ts";
import { resolveFormatString } from "./format-string.ts";
import type { JobTemplate } from "./model.ts";
import type { TaskParams } from "./parameter-space.ts";
import { valueText, type ParamValues } from "./parameter-values.ts";

export interface TaskAction {
  command: string;
  args: string[];
  timeoutSec?: number;
}

export function resolveTaskAction(template: JobTemplate, stepName: string, parameters: ParamValues, task: TaskParams): TaskAction {
  const step = template.steps.find((s) => s.name === stepName);
  if (!step) throw new OpenJdError([{ path: "step", message: `no step is named "${stepName}"` }]);
  const lookup = (ref: string): string | undefined => {
    const parts = ref.split(".");
    if (parts.length === 2 && (parts[0] === "Param" || parts[0] === "RawParam")) {
      const v = parameters[parts[1]!];
      return v === undefined ? undefined : valueText(v);
    }
    if (parts.length === 3 && parts[0] === "Task" && (parts[1] === "Param" || parts[1] === "RawParam")) {
      const v = task[parts[2]!];
      return v === undefined ? undefined : String(v);
    }
    return undefined;
  };
  const onRun = (step.script["actions"] as { onRun: { command: string; args?: string[]; timeout?: number } }).onRun;
  return {
    command: resolveFormatString(onRun.command, lookup),
    args: (onRun.args ?? []).map((a) => resolveFormatString(a, lookup)),
    ...(onRun.timeout !== undefined && { timeoutSec: onRun.timeout }),
  };
}
