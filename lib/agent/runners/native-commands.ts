/**
 * Native command templates: the argv each renderer gets for one frame or a contiguous range.
 * Placeholders in scene/output/args: `{frame}`, `{start}`, `{end}`, and a run of `#` (the frame
 * zero-padded to that width, as Blender writes it). Each renderer writes exactly the output
 * path we give it, so the agent knows which file to verify:
 *   blender -b <scene> [-E engine] -o <output> -s <start> -e <end> -a   (image format from the scene)
 *   kick -i <scene> -o <output> -dw -dp            (one .ass per frame, as Arnold exports them)
 *   vray -sceneFile=<scene> -imgFile=<output> -frames=N -noFrameNumbers=1 -display=0
 */
import type { NativeRun } from "../../service/run-spec.ts";

export interface Invocation {
  argv: string[];
  frames: number[];
  /** Files the invocation must leave behind (verified, then uploaded). */
  outputs: string[];
}

export type Executables = Partial<Record<"blender" | "kick" | "vray", string>>;

export function substitute(text: string, frames: { frame: number; start: number; end: number }): string {
  return text
    .replace(/#+/g, (m) => String(frames.frame).padStart(m.length, "0"))
    .replace(/\{frame\}/g, String(frames.frame))
    .replace(/\{start\}/g, String(frames.start))
    .replace(/\{end\}/g, String(frames.end));
}

/** The invocations that render `frames`, in order. */
export function invocations(run: Exclude<NativeRun, { renderer: "simulated" }>, frames: readonly number[], exe: Executables = {}): Invocation[] {
  const one = (f: number) => ({ frame: f, start: f, end: f });
  switch (run.renderer) {
    case "blender":
      // Blender renders a contiguous range in one process (scene loaded once), writing each frame's `####`.
      return contiguous(frames).map(([start, end]) => ({
        argv: [exe.blender ?? "blender", "-b", run.scene, ...(run.engine ? ["-E", run.engine] : []), "-o", run.output,
          "-s", String(start), "-e", String(end), ...run.args.map((a) => substitute(a, { frame: start, start, end })), "-a"],
        frames: range(start, end),
        outputs: range(start, end).map((f) => substitute(run.output, one(f))),
      }));
    case "kick":
      return frames.map((f) => ({
        argv: [exe.kick ?? "kick", "-i", substitute(run.scene, one(f)), "-o", substitute(run.output, one(f)), "-dw", "-dp", ...run.args.map((a) => substitute(a, one(f)))],
        frames: [f], outputs: [substitute(run.output, one(f))],
      }));
    case "vray":
      return frames.map((f) => ({
        argv: [exe.vray ?? "vray", `-sceneFile=${substitute(run.scene, one(f))}`, `-imgFile=${substitute(run.output, one(f))}`,
          `-frames=${f}`, "-noFrameNumbers=1", "-display=0", ...run.args.map((a) => substitute(a, one(f)))],
        frames: [f], outputs: [substitute(run.output, one(f))],
      }));
    case "command": {
      // Per frame when the command names a frame; else once per contiguous range.
      const perFrame = run.command.some((a) => /\{frame\}|#/.test(a));
      const groups = perFrame ? frames.map((f) => [f, f] as const) : contiguous(frames);
      return groups.map(([start, end]) => ({
        argv: run.command.map((a) => substitute(a, { frame: start, start, end })),
        frames: range(start, end),
        outputs: range(start, end).flatMap((f) => run.outputs.map((o) => substitute(o, { frame: f, start, end }))),
      }));
    }
  }
}

function contiguous(frames: readonly number[]): (readonly [number, number])[] {
  const out: [number, number][] = [];
  for (const f of frames) {
    const last = out[out.length - 1];
    if (last && f === last[1] + 1) last[1] = f;
    else out.push([f, f]);
  }
  return out;
}

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a + 1 }, (_, i) => a + i);
}
