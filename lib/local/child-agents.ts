/**
 * Runs a render node as its own process (`burstfarm agent`), so it can crash like a machine:
 * `kill()` is SIGKILL — no drain, no report — and its leases lapse on the server. The agent
 * announces the host's hardware (a child process cannot be told otherwise) and writes frames
 * straight into the farm's output folder.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { AgentHost, AgentLaunch, RunningAgent } from "./agent-host.ts";

const main = fileURLToPath(new URL("../cli/main.ts", import.meta.url));

export const childAgentHost: AgentHost = (l: AgentLaunch): RunningAgent => {
  const credential = "token" in l.credential ? ["--node-token", l.credential.token] : ["--registration-secret", l.credential.registrationSecret];
  const speed = l.spec.speed["render-cpu"] ?? 1;
  const child = spawn(process.execPath, [
    "--import", "tsx", main, "agent", "--api", l.apiUrl, ...credential, "--node-id", l.spec.nodeId,
    "--tags", l.spec.tags.join(",") || "local", "--outputs", l.outputsDir, "--work-dir", l.workDir,
    "--time-scale", String(1 / l.clock.speed), "--speed", String(speed),
  ], { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" } });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
  const done = new Promise<void>((resolve) => child.once("exit", (code, signal) => {
    if (code && code !== 0) l.onError(`agent ${l.spec.nodeId}`, new Error(`exited ${code}: ${stderr.trim().split("\n").slice(-3).join(" | ")}`));
    void signal;
    resolve();
  }));
  return {
    nodeId: l.spec.nodeId,
    done,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await done;
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
};
