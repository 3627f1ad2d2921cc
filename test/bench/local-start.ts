/**
 * Startup of the local farm, as a user meets it: `burstfarm start --fresh` in a new process (tsx
 * compile included) until the API answers (local.json written) and until the first frame PNG
 * exists under .burstfarm/outputs/ (target: ≤ 10 s). Then Ctrl-C (SIGINT) and the time to a
 * clean exit. One row: {"bench":"local.start", …}.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const main = fileURLToPath(new URL("../../lib/cli/main.ts", import.meta.url));

function hasPng(dir: string): boolean {
  if (!existsSync(dir)) return false;
  return readdirSync(dir, { withFileTypes: true }).some((e) => (e.isDirectory() ? hasPng(join(dir, e.name)) : e.name.endsWith(".png")));
}

export async function benchLocalStart(): Promise<Record<string, unknown>> {
  const home = mkdtempSync(join(tmpdir(), "burstfarm-bench-"));
  const t0 = performance.now();
  const child = spawn(process.execPath, ["--import", "tsx", main, "start", "--fresh"], {
    env: { ...process.env, BURSTFARM_HOME: home, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" }, stdio: "ignore",
  });
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  let apiReady: number | undefined;
  let firstFrame: number | undefined;
  const deadline = t0 + 60_000;
  while (firstFrame === undefined && performance.now() < deadline && child.exitCode === null) {
    if (apiReady === undefined && existsSync(join(home, "local.json"))) apiReady = performance.now();
    if (hasPng(join(home, "outputs"))) firstFrame = performance.now();
    await new Promise((r) => setTimeout(r, 25));
  }
  const tStop = performance.now();
  child.kill("SIGINT");
  const code = await exited;
  const stopped = performance.now();
  rmSync(home, { recursive: true, force: true });
  const s = (t: number | undefined, from = t0) => (t === undefined ? null : Math.round((t - from) / 10) / 100);
  return { bench: "local.start", api_ready_s: s(apiReady), startup_to_first_frame_s: s(firstFrame), target_s: 10, ctrl_c_to_exit_s: s(stopped, tStop), exit_code: code };
}
