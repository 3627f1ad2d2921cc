/**
 * Runs the local farm's render nodes in this process: the real agent (lib/agent's `runAgent`)
 * with its simulated renderer, announcing the simulated machine's hardware, writing frames to
 * the farm's output store, living in real time behind the agent gateway (the renderer's
 * `timeScale` is 1 ÷ the farm speed, so a 2-minute frame takes 2 farm minutes).
 */
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { runAgent } from "../agent/index.ts";
import type { Capabilities as AgentCapabilities } from "../agent/capabilities.ts";
import type { AgentHost, AgentLaunch, RunningAgent } from "./agent-host.ts";
import type { LocalNodeSpec } from "./demo/demo-farm.ts";

/** The simulated machine in OpenJD terms (amount.worker.*, attr.worker.*), tags as custom attributes. */
export function agentCapabilities(spec: LocalNodeSpec): AgentCapabilities {
  const c = spec.capabilities;
  return {
    vcpu: c.vcpu, memoryGiB: c.memoryGiB, gpuCount: c.gpuCount, os: c.os, cpuArch: c.cpuArch,
    ...(c.gpuModel ? { gpuModel: c.gpuModel } : {}), ...(c.gpuMemoryGiB !== undefined ? { gpuMemoryGiB: c.gpuMemoryGiB } : {}),
    amounts: {
      "amount.worker.vcpu": c.vcpu, "amount.worker.memory": c.memoryGiB * 1024, "amount.worker.gpu": c.gpuCount,
      "amount.worker.gpu.memory": (c.gpuMemoryGiB ?? 0) * 1024,
    },
    attributes: { "attr.worker.os.family": [c.os], "attr.worker.cpu.arch": [c.cpuArch], "attr.worker.tags": [...spec.tags] },
  };
}

export const localAgentHost: AgentHost = (l: AgentLaunch): RunningAgent => {
    const log = (line: string) => appendFileSync(join(l.workDir, "agent.log"), `${new Date().toISOString()} ${line}\n`);
    const started = runAgent({
      api: l.apiUrl, nodeId: l.spec.nodeId, tags: l.spec.tags, slots: 1, workDir: l.workDir,
      ...("token" in l.credential ? { token: l.credential.token } : { registrationSecret: l.credential.registrationSecret }),
      capabilities: agentCapabilities(l.spec), speed: l.spec.speed, timeScale: 1 / l.clock.speed, outputs: l.outputs,
      imds: false, handleSignals: false, stopWithinMs: 10_000, log,
    });
    started.catch((err: unknown) => l.onError(`agent ${l.spec.nodeId}`, err));
    const done = started.then((h) => h.done).then(() => undefined, (err: unknown) => l.onError(`agent ${l.spec.nodeId}`, err));
    return {
      nodeId: l.spec.nodeId,
      done,
      async stop() {
        const h = await started.catch(() => undefined);
        h?.stop("the local farm is stopping", 8_000);
        await done;
      },
      kill() {
        throw new Error("an in-process agent cannot crash; run it as a child process (childAgentHost) to kill it");
      },
    };
};
