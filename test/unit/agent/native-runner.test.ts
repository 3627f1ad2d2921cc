import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { invocations } from "../../../lib/agent/runners/native-commands.ts";
import { nativeRunner } from "../../../lib/agent/runners/native-runner.ts";
import { nativeRunSchema } from "../../../lib/service/run-spec.ts";
import { bench, type Bench } from "./runner-helpers.ts";

let b: Bench;
afterEach(() => b?.cleanup());

/** A stand-in for a DCC: records its argv and writes the file after `-o` / `-imgFile=`. */
function stub(dir: string, name: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/bash
echo "$(basename "$0") $*" >> "${dir}/calls.txt"
out=""; prev=""
for a in "$@"; do
  case "$prev" in -o) out="$a";; esac
  case "$a" in -imgFile=*) out="\${a#-imgFile=}";; esac
  prev="$a"
done
if [ "$(basename "$0")" = blender ]; then
  for ((f=$(echo "$*" | sed -E 's/.* -s ([0-9]+).*/\\1/'); f<=$(echo "$*" | sed -E 's/.* -e ([0-9]+).*/\\1/'); f++)); do
    printf -v p "%04d" "$f"; echo data > "\${out//####/$p}"
  done
else
  echo "openjd_progress: 50"; echo data > "$out"
fi
`);
  chmodSync(file, 0o755);
  return file;
}

const parse = (r: unknown) => nativeRunSchema.parse(r) as Exclude<ReturnType<typeof nativeRunSchema.parse>, { renderer: "simulated" }>;

describe("native command templates", () => {
  it("Blender renders a contiguous range in one process and a gap in another", () => {
    const inv = invocations(parse({ renderer: "blender", scene: "/s/shot.blend", output: "/o/beauty.####.png", engine: "CYCLES" }), [1, 2, 3, 7]);
    expect(inv.map((i) => i.argv)).toEqual([
      ["blender", "-b", "/s/shot.blend", "-E", "CYCLES", "-o", "/o/beauty.####.png", "-s", "1", "-e", "3", "-a"],
      ["blender", "-b", "/s/shot.blend", "-E", "CYCLES", "-o", "/o/beauty.####.png", "-s", "7", "-e", "7", "-a"],
    ]);
    expect(inv[0]!.outputs).toEqual(["/o/beauty.0001.png", "/o/beauty.0002.png", "/o/beauty.0003.png"]);
  });

  it("kick and V-Ray render one frame per process with the frame in scene and output", () => {
    expect(invocations(parse({ renderer: "kick", scene: "/s/shot.####.ass", output: "/o/f.{frame}.exr", args: ["-t", "8"] }), [12])[0]!.argv)
      .toEqual(["kick", "-i", "/s/shot.0012.ass", "-o", "/o/f.12.exr", "-dw", "-dp", "-t", "8"]);
    expect(invocations(parse({ renderer: "vray", scene: "/s/shot.vrscene", output: "/o/f.####.exr" }), [3], { vray: "/opt/vray" })[0]!.argv)
      .toEqual(["/opt/vray", "-sceneFile=/s/shot.vrscene", "-imgFile=/o/f.0003.exr", "-frames=3", "-noFrameNumbers=1", "-display=0"]);
  });

  it("a plain command runs once per range unless it names a frame", () => {
    expect(invocations(parse({ renderer: "command", command: ["render.sh", "{start}", "{end}"] }), [4, 5, 6])[0]!.argv).toEqual(["render.sh", "4", "6"]);
    expect(invocations(parse({ renderer: "command", command: ["render.sh", "{frame}"] }), [4, 5]).map((i) => i.argv)).toEqual([["render.sh", "4"], ["render.sh", "5"]]);
  });
});

describe("the native runner on stub executables", () => {
  it("runs Blender over the frames, verifies and uploads each output", async () => {
    b = bench();
    const bin = join(b.dir, "bin");
    const ctx = b.context({ frames: [1, 2], run: { renderer: "blender", scene: "/s/shot.blend", output: join(b.dir, "out", "beauty.####.png").replace(".png", ".exr") } });
    mkdirSync(join(b.dir, "out"), { recursive: true });
    const r = await nativeRunner({ executables: { blender: stub(bin, "blender") } }).run(ctx);
    expect(r).toEqual({ state: "succeeded" });
    expect(Buffer.from((await b.store.get("jobs/job-1/render/beauty.0002.exr"))!).toString()).toBe("data\n");
    expect(ctx.progressSeen.at(-1)).toBe(1);
  });

  it("fails on a non-zero exit and on a missing output", async () => {
    b = bench();
    const r1 = await nativeRunner().run(b.context({ frames: [1], run: { renderer: "command", command: ["bash", "-c", "exit 4"] } }));
    expect(r1).toEqual({ state: "failed", message: "command exited with 4 on frames 1" });
    const r2 = await nativeRunner().run(b.context({ frames: [1], run: { renderer: "command", command: ["true"], outputs: ["f{frame}.png"] } }));
    expect(r2).toMatchObject({ state: "failed", message: expect.stringMatching(/f1\.png was not written$/) });
  });

  it("fails an invocation that outlives its timeout", async () => {
    b = bench();
    const t0 = Date.now();
    const r = await nativeRunner({ notifyPeriodSec: 0.2 }).run(b.context({ frames: [2], run: { renderer: "command", command: ["sleep", "30"], timeoutSec: 1 } }));
    expect(r).toEqual({ state: "failed", message: "command timed out after 1 s on frames 2" });
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it("kills the whole process tree on cancel", async () => {
    b = bench();
    const pidFile = join(b.dir, "child.pid");
    const ctx = b.context({ frames: [1], run: { renderer: "command", command: ["bash", "-c", `trap '' TERM; sleep 60 & echo $! > ${pidFile}; wait`] } });
    const running = nativeRunner({ notifyPeriodSec: 0.3 }).run(ctx);
    await until(() => { try { return Number(readFileSync(pidFile, "utf8")) > 0; } catch { return false; } });
    const child = Number(readFileSync(pidFile, "utf8"));
    ctx.cancellation.cancel({ reason: "job canceled", urgency: "graceful", interrupted: false });
    expect(await running).toEqual({ state: "interrupted", message: "stopped: job canceled" });
    await until(() => { try { process.kill(child, 0); return false; } catch { return true; } });
  });
});

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}
