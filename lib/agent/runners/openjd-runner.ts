/**
 * OpenJD tasks through sessions (../openjd/session.ts). One runner serves one slot of the
 * node and keeps its session open across tasks of the same job step, so environments that
 * start a daemon or load software once are entered once. The session ends (environments
 * exited in reverse) on a task failure or cancel, when the slot gets a task of another step,
 * or when the agent closes the runner (idle, drain, stop).
 */
import { validateJobTemplate, type JobTemplate } from "../../openjd/index.ts";
import { Cancellation } from "../cancellation.ts";
import { uploadNewOutputs } from "../openjd/out-files.ts";
import { OpenJdSession } from "../openjd/session.ts";
import type { ProcessGroups } from "../process-tree.ts";
import type { ActionHooks } from "../openjd/session-action.ts";
import type { TaskContext, TaskOutcome, TaskRunner } from "./runner.ts";

export interface OpenJdRunnerOptions {
  baseEnv?: NodeJS.ProcessEnv;
  /** The agent's process groups. */
  groups?: ProcessGroups;
}

export function openJdRunner(options: OpenJdRunnerOptions = {}): TaskRunner {
  let current: { key: string; session: OpenJdSession; hooks: ActionHooks; template: JobTemplate } | undefined;
  const end = async (cancellation?: Cancellation) => {
    const open = current;
    current = undefined;
    if (open) await open.session.close(open.hooks, cancellation);
  };
  return {
    async run(ctx: TaskContext): Promise<TaskOutcome> {
      const openjd = ctx.job.openjd;
      if (!openjd) return { state: "failed", message: "the run spec has no OpenJD template" };
      const hooks: ActionHooks = { log: (l) => ctx.log.line(l), progress: ctx.progress, status: (t) => { ctx.log.status = t; ctx.log.line(`status: ${t}`); } };
      // Exits are not canceled by the task's cancel, only hurried by an expedited one (shutdown).
      const exitCancel = new Cancellation();
      ctx.cancellation.onCancel((r) => { if (r.urgency === "expedited") exitCancel.cancel(r); });
      const key = `${ctx.assignment.jobId}\n${ctx.assignment.stepName}`;
      if (current && current.key !== key) await end(exitCancel);
      if (!current) {
        const template = validateJobTemplate(openjd.template);
        const session = new OpenJdSession({ template, parameters: openjd.parameters, stepName: ctx.assignment.stepName, root: ctx.jobDir, ...(options.baseEnv ? { baseEnv: options.baseEnv } : {}), ...(options.groups ? { groups: options.groups } : {}) });
        current = { key, session, hooks, template };
        const opened = await session.open(hooks, ctx.cancellation);
        if (!opened.ok) {
          await end(exitCancel);
          return opened.interrupted ? { state: "interrupted", message: opened.message } : { state: "failed", message: `entering environments: ${opened.message}` };
        }
      }
      current.hooks = hooks;
      const startedAt = Date.now();
      const outcome = await current.session.runTask(ctx.assignment.params ?? {}, hooks, ctx.cancellation);
      if (!outcome.ok) {
        await end(exitCancel);
        // Stopped by a cancel (the server's: lease expired, preempted, job canceled) is not a failure of
        // the render, as the native and simulated runners report it too.
        return outcome.interrupted || ctx.cancellation.requested ? { state: "interrupted", message: outcome.message } : { state: "failed", message: outcome.message };
      }
      const uploaded = await uploadNewOutputs(current.template, openjd.parameters, startedAt, ctx.outputs, ctx.outputPrefix);
      if (uploaded.length > 0) ctx.log.line(`uploaded ${uploaded.length} output file(s) to ${ctx.outputPrefix}`);
      return { state: "succeeded" };
    },
    close: async (_reason, cancellation) => end(cancellation),
  };
}
