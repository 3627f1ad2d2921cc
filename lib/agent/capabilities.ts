/**
 * What this host offers, in OpenJD capability names (2023-09 §3.3.1) — `amount.worker.vcpu`,
 * `amount.worker.memory` (MiB), `amount.worker.gpu`, `amount.worker.gpu.memory` (MiB),
 * `attr.worker.os.family`, `attr.worker.cpu.arch` — plus custom attributes from `--tags`:
 * `name=value` → `attr.custom.<name>` (or `<name>` itself when it starts with `attr.`), and a bare
 * tag is a value of `attr.custom.tags`. Custom names stay out of `attr.worker.*`, which OpenJD
 * reserves (templates may not require non-standard names there).
 */
import { execFileSync } from "node:child_process";
import { arch, cpus, platform, totalmem } from "node:os";
import type { Capabilities as PlannerCapabilities } from "../planner/index.ts";

/** The farm's capability record (lib/planner), with the OpenJD extras always present. */
export type Capabilities = PlannerCapabilities & Required<Pick<PlannerCapabilities, "amounts" | "attributes">>;

export interface GpuInfo {
  model: string;
  memoryMiB: number;
}

/** NVIDIA GPUs via nvidia-smi when it is installed; none otherwise. */
export function detectGpus(): GpuInfo[] {
  try {
    const out = execFileSync("nvidia-smi", ["--query-gpu=name,memory.total", "--format=csv,noheader,nounits"], { encoding: "utf8", timeout: 5000, stdio: ["ignore", "pipe", "ignore"] });
    return out.trim().split("\n").filter(Boolean).map((l) => {
      const [model, mem] = l.split(",").map((s) => s.trim());
      return { model: model ?? "gpu", memoryMiB: Number(mem) || 0 };
    });
  } catch {
    return [];
  }
}

export function detectCapabilities(tags: readonly string[] = [], gpus: GpuInfo[] = detectGpus()): Capabilities {
  const os = platform() === "win32" ? "windows" : platform() === "darwin" ? "macos" : "linux";
  const cpuArch = arch() === "x64" ? "x86_64" : arch();
  const vcpu = cpus().length || 1;
  const memoryMiB = Math.floor(totalmem() / 1024 / 1024);
  const gpuMemoryMiB = gpus.length ? Math.min(...gpus.map((g) => g.memoryMiB)) : 0;
  const attributes: Record<string, string[]> = { "attr.worker.os.family": [os], "attr.worker.cpu.arch": [cpuArch] };
  for (const tag of tags) {
    const eq = tag.indexOf("=");
    const [name, value] = eq > 0 ? [tag.slice(0, eq), tag.slice(eq + 1)] : ["attr.custom.tags", tag];
    const key = name.startsWith("attr.") ? name : `attr.custom.${name}`;
    (attributes[key] ??= []).push(value);
  }
  return {
    vcpu, memoryGiB: Math.round((memoryMiB / 1024) * 10) / 10, gpuCount: gpus.length, os, cpuArch,
    ...(gpus[0] ? { gpuModel: gpus[0].model, gpuMemoryGiB: gpuMemoryMiB / 1024 } : {}),
    amounts: { "amount.worker.vcpu": vcpu, "amount.worker.memory": memoryMiB, "amount.worker.gpu": gpus.length, "amount.worker.gpu.memory": gpuMemoryMiB },
    attributes,
  };
}
