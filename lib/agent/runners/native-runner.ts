/**
 * Native commands (Blender, Arnold kick, V-Ray, a plain command line): each invocation runs
 * in its own process group; a non-zero exit, a timeout or a missing/empty output fails the task.
 * Progress is frames done, refined by `openjd_progress:` lines if the command prints them.
 */
import { mkdir } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import type { NativeRun } from "../../service/run-spec.ts";
import { verifyAndUpload } from "../outputs.ts";
import { runAction } from "../run-action.ts";
import type { ProcessGroups } from "../process-tree.ts";
import { invocations, type Executables } from "./native-commands.ts";
import type { TaskContext, TaskOutcome, TaskRunner } from "./runner.ts";

export interface NativeOptions {
  executables?: Executables;
  /** Seconds between SIGTERM and SIGKILL when a native render is canceled. */
  notifyPeriodSec?: number;
  env?: NodeJS.ProcessEnv;
  /** The agent's process groups. */
  groups?: ProcessGroups;
}

export function nativeRunner(options: NativeOptions = {}): TaskRunner {
  return { run: (ctx) => runNative(ctx, options) };
}

async function runNative(ctx: TaskContext, options: NativeOptions): Promise<TaskOutcome> {
  const run = ctx.step.run as Exclude<NativeRun, { renderer: "simulated" }>;
  const frames = ctx.assignment.frames ?? [ctx.assignment.taskIndex];
  const cwd = run.renderer === "command" && run.cwd ? (isAbsolute(run.cwd) ? run.cwd : join(ctx.jobDir, run.cwd)) : ctx.jobDir;
  await mkdir(cwd, { recursive: true });
  const all = invocations(run, frames, options.executables);
  let done = 0;
  for (const inv of all) {
    ctx.log.line(`$ ${inv.argv.map(quote).join(" ")}`);
    const r = await runAction({
      command: inv.argv[0]!, args: inv.argv.slice(1), cwd, env: { ...process.env, ...options.env },
      cancelMethod: { mode: "NOTIFY_THEN_TERMINATE", notifyPeriodSec: options.notifyPeriodSec ?? 30 },
      cancellation: ctx.cancellation, ...(run.timeoutSec ? { timeoutSec: run.timeoutSec } : {}), ...(options.groups ? { groups: options.groups } : {}),
      onLine: (line) => {
        ctx.log.line(line);
        const p = /^openjd_progress:\s*([0-9.]+)/.exec(line);
        if (p) ctx.progress((done + (Number(p[1]) / 100) * inv.frames.length) / frames.length);
      },
    });
    if (r.ending === "canceled") return { state: "interrupted", message: `stopped: ${ctx.cancellation.request?.reason ?? "canceled"}` };
    if (r.ending === "timeout") return { state: "failed", message: `${run.renderer} timed out after ${run.timeoutSec} s on frames ${inv.frames.join(",")}` };
    if (r.exitCode !== 0) return { state: "failed", message: `${run.renderer} exited with ${r.exitCode ?? r.signal} on frames ${inv.frames.join(",")}` };
    const problem = await verifyAndUpload(inv.outputs.map((o) => (isAbsolute(o) ? o : join(cwd, o))), ctx.outputs, ctx.outputPrefix);
    if (problem) return { state: "failed", message: problem };
    done += inv.frames.length;
    ctx.progress(done / frames.length);
  }
  return { state: "succeeded" };
}

function quote(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`;
}
