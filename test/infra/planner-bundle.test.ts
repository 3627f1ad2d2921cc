/**
 * The deployed planner solves its LP only if HiGHS's WebAssembly ships with it: the planner Lambda
 * is bundled here exactly as the stack bundles it (the HandlerFunction construct, local esbuild),
 * and the built bundle is then loaded by plain Node, as the Lambda runtime loads it. A copy of the
 * bundle without highs.wasm is the control: no solver, so cycles fall back to the greedy passes.
 */
import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { App, Stack } from "aws-cdk-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HandlerFunction, highsWasm } from "../../lib/infra/constructs/handler-function.ts";

const root = join(import.meta.dirname, "../..");
// Under the repository so the bundle's external @aws-sdk/* imports resolve, as the Lambda runtime provides them.
const out = join(root, "test-output", `planner-bundle-${process.pid}`);
let bundleDir = "";

/** Loads the bundle in a fresh Node process and asks it for the plan-of-record solver; solves a one-column LP with it. */
async function solverFrom(dir: string): Promise<{ solver: boolean; status?: string; x?: number }> {
  const script = `
    const m = await import(${JSON.stringify(pathToFileURL(join(dir, "index.mjs")).href)});
    const s = await m.planOfRecordSolver();
    if (!s) { console.log(JSON.stringify({ solver: false })); process.exit(0); }
    const f = (a) => Float64Array.from(a);
    const sol = s.solve({ numCols: 1, numRows: 1, colCost: f([1]), colLower: f([0]), colUpper: f([10]), rowLower: f([3]), rowUpper: f([Infinity]),
      start: Int32Array.from([0, 1]), index: Int32Array.from([0]), value: f([1]) }, { timeLimitSec: 5 });
    console.log(JSON.stringify({ solver: true, status: sol.status, x: sol.colValue[0] }));`;
  const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], { cwd: root, timeout: 60_000 });
  return JSON.parse(stdout.trim().split("\n").pop()!) as { solver: boolean; status?: string; x?: number };
}

beforeAll(() => {
  const app = new App({ outdir: join(out, "cdk.out") });
  const stack = new Stack(app, "PlannerBundle");
  new HandlerFunction(stack, "PlannerFn", { entry: "planner", description: "planner bundle under test", besideBundle: [highsWasm] });
  app.synth();
  const assets = readdirSync(join(out, "cdk.out")).filter((d) => d.startsWith("asset.")).map((d) => join(out, "cdk.out", d));
  bundleDir = assets.find((d) => existsSync(join(d, "index.mjs")))!;
}, 180_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("the planner Lambda's bundle", () => {
  it("ships highs.wasm beside index.mjs", () => {
    expect(existsSync(join(bundleDir, "index.mjs"))).toBe(true);
    expect(existsSync(join(bundleDir, "highs.wasm"))).toBe(true);
  });

  it("loads HiGHS from the bundle directory and solves with it", async () => {
    expect(await solverFrom(bundleDir)).toEqual({ solver: true, status: "optimal", x: 3 });
  }, 60_000);

  it("without the wasm beside it, gives no solver (the cycle plans greedily) rather than failing", async () => {
    const bare = join(out, "bare");
    mkdirSync(bare, { recursive: true });
    copyFileSync(join(bundleDir, "index.mjs"), join(bare, "index.mjs"));
    expect(await solverFrom(bare)).toEqual({ solver: false });
  }, 60_000);
});
