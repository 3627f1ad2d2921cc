/**
 * The built-in simulated renderer: writes real PNG frames whose detail improves pass by pass.
 * A frame takes secondsPerFrame × complexity × quality ÷ node speed (× `timeScale`, so tests
 * and demos run in seconds). The run spec can make frames fail, hang until canceled, or come
 * out corrupt (an empty file, which output verification must catch). Passes before the last are
 * uploaded as previews (`<prefix>preview/frame-NNNN.png`), the finished frame beside them.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import type { NativeRun } from "../../service/run-spec.ts";
import { verifyAndUpload } from "../outputs.ts";
import type { TaskContext, TaskOutcome, TaskRunner } from "./runner.ts";
import { renderPass } from "./simulated-image.ts";
import { waitOrCancel } from "./wait.ts";

type SimulatedRun = Extract<NativeRun, { renderer: "simulated" }>;

export interface SimulatedOptions {
  /** Multiplies every run time (1 = real time). */
  timeScale: number;
}

export function simulatedRunner(options: SimulatedOptions): TaskRunner {
  return { run: (ctx) => renderFrames(ctx, options) };
}

async function renderFrames(ctx: TaskContext, options: SimulatedOptions): Promise<TaskOutcome> {
  const run = ctx.step.run as SimulatedRun;
  const frames = ctx.assignment.frames ?? [ctx.assignment.taskIndex];
  const quality = ctx.assignment.quality ?? 1;
  const frameMs = (ctx.step.secondsPerFrame * run.complexity * quality * 1000 * options.timeScale) / Math.max(0.01, ctx.speed);
  const dir = join(ctx.jobDir, "out", ctx.assignment.stepName);
  await mkdir(dir, { recursive: true });
  const stopped = (): TaskOutcome => ({ state: "interrupted", message: `stopped: ${ctx.cancellation.request?.reason ?? "canceled"}` });

  for (const [i, frame] of frames.entries()) {
    const file = join(dir, `frame-${String(frame).padStart(4, "0")}.png`);
    ctx.log.line(`frame ${frame}: ${run.passes} passes, ${Math.round(frameMs)} ms at speed ${ctx.speed}`);
    for (let pass = 1; pass <= run.passes; pass++) {
      if (await waitOrCancel(frameMs / run.passes, ctx.cancellation)) return stopped();
      if (run.failFrames.includes(frame)) {
        ctx.log.line(`frame ${frame}: simulated renderer error in pass ${pass}`);
        return { state: "failed", message: `simulated failure on frame ${frame}` };
      }
      if (run.hangFrames.includes(frame)) {
        ctx.log.line(`frame ${frame}: hanging (simulated)`);
        await new Promise<void>((resolve) => ctx.cancellation.onCancel(() => resolve()));
        return stopped();
      }
      // A low-quality preview pass stops refining early.
      const detail = Math.max(1, Math.round(quality * pass));
      const image = renderPass(frame, detail, run.passes, run.width, run.height, run.complexity);
      await writeFile(file, image);
      // Each unfinished pass is a preview artists can look at while the frame refines.
      if (pass < run.passes) await ctx.outputs.put(`${ctx.outputPrefix}preview/${basename(file)}`, image);
      ctx.progress((i + pass / run.passes) / frames.length);
    }
    if (run.corruptFrames.includes(frame)) {
      ctx.log.line(`frame ${frame}: writing a corrupt frame (simulated)`);
      await writeFile(file, "");
    }
    const problem = await verifyAndUpload([file], ctx.outputs, ctx.outputPrefix);
    if (problem) return { state: "failed", message: problem };
    ctx.log.line(`frame ${frame}: done`);
  }
  return { state: "succeeded" };
}
