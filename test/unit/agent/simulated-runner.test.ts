import { PNG } from "pngjs";
import { afterEach, describe, expect, it } from "vitest";
import { simulatedRunner } from "../../../lib/agent/runners/simulated-runner.ts";
import { renderPass } from "../../../lib/agent/runners/simulated-image.ts";
import { bench, type Bench } from "./runner-helpers.ts";

let b: Bench;
afterEach(() => b?.cleanup());
const runner = simulatedRunner({ timeScale: 0.01 });

describe("the simulated renderer", () => {
  it("renders each frame of the task to a real PNG in the output store, progress rising to 1", async () => {
    b = bench();
    const ctx = b.context({ frames: [7, 8], run: { renderer: "simulated", width: 32, height: 18 } });
    expect(await runner.run(ctx)).toEqual({ state: "succeeded" });
    for (const f of ["0007", "0008"]) {
      const png = PNG.sync.read(Buffer.from((await b.store.get(`jobs/job-1/render/frame-${f}.png`))!));
      expect([png.width, png.height]).toEqual([32, 18]);
    }
    expect(ctx.progressSeen.at(-1)).toBe(1);
    expect(ctx.progressSeen).toEqual([...ctx.progressSeen].sort((x, y) => x - y));
    expect(PNG.sync.read(Buffer.from((await b.store.get("jobs/job-1/render/preview/frame-0008.png"))!)).width).toBe(32);
  });

  it("adds detail pass by pass: the last pass has more distinct colours than the first", () => {
    const colours = (buf: Buffer) => {
      const png = PNG.sync.read(buf);
      const set = new Set<number>();
      for (let i = 0; i < png.data.length; i += 4) set.add(png.data.readUInt32BE(i));
      return set.size;
    };
    expect(colours(renderPass(1, 4, 4, 64, 36, 1))).toBeGreaterThan(colours(renderPass(1, 1, 4, 64, 36, 1)) * 2);
  });

  it("takes longer for a more complex job and less on a faster node", async () => {
    b = bench();
    const time = async (complexity: number, speed: number) => {
      const ctx = { ...b.context({ frames: [1], secondsPerFrame: 10, run: { renderer: "simulated", complexity, width: 8, height: 8, passes: 1 } }), speed };
      const t0 = Date.now();
      await simulatedRunner({ timeScale: 0.02 }).run(ctx);
      return Date.now() - t0;
    };
    const base = await time(1, 1);
    expect(await time(2, 1)).toBeGreaterThan(base * 1.5);
    expect(await time(1, 4)).toBeLessThan(base * 0.6);
  });

  it("fails a frame it is told to fail, and a corrupt frame fails output verification", async () => {
    b = bench();
    expect(await runner.run(b.context({ frames: [1, 2], run: { renderer: "simulated", failFrames: [2], width: 8, height: 8 } })))
      .toEqual({ state: "failed", message: "simulated failure on frame 2" });
    const corrupt = await runner.run(b.context({ frames: [3], run: { renderer: "simulated", corruptFrames: [3], width: 8, height: 8 } }));
    expect(corrupt).toMatchObject({ state: "failed", message: expect.stringMatching(/frame-0003\.png is empty$/) });
    expect(await b.store.get("jobs/job-1/render/frame-0003.png")).toBeUndefined();
  });

  it("hangs on a frame it is told to hang on until canceled, then reports interrupted", async () => {
    b = bench();
    const ctx = b.context({ frames: [5], run: { renderer: "simulated", hangFrames: [5], width: 8, height: 8 } });
    const running = runner.run(ctx);
    await new Promise((r) => setTimeout(r, 100));
    ctx.cancellation.cancel({ reason: "drain", urgency: "graceful", interrupted: true });
    expect(await running).toEqual({ state: "interrupted", message: "stopped: drain" });
  });
});
