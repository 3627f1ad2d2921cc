/**
 * The agent's side of hard requirements: the simulator refuses an assignment the real agent
 * could not run, whoever planned it. Kept separate from the planner's matcher on purpose, so
 * a matcher bug shows up as a rejected assignment instead of being trusted.
 */
import type { Capabilities, Requirements } from "../planner/index.ts";

export function meets(caps: Capabilities, req: Requirements): boolean {
  if (req.os?.length && !req.os.includes(caps.os)) return false;
  if (req.cpuArch?.length && !req.cpuArch.includes(caps.cpuArch)) return false;
  if (req.minVcpu !== undefined && caps.vcpu < req.minVcpu) return false;
  if (req.minMemoryGiB !== undefined && caps.memoryGiB < req.minMemoryGiB) return false;
  if (req.minGpuCount !== undefined && caps.gpuCount < req.minGpuCount) return false;
  if (req.minGpuMemoryGiB !== undefined && (caps.gpuMemoryGiB ?? 0) < req.minGpuMemoryGiB) return false;
  if (req.gpuModels?.length && !(caps.gpuModel && req.gpuModels.includes(caps.gpuModel))) return false;
  for (const [name, r] of Object.entries(req.amounts ?? {})) {
    const have = caps.amounts?.[name] ?? 0;
    if ((r.min !== undefined && have < r.min) || (r.max !== undefined && have > r.max)) return false;
  }
  for (const [name, want] of Object.entries(req.attributes ?? {})) {
    const have = caps.attributes?.[name] ?? [];
    if (want.anyOf && !want.anyOf.some((v) => have.includes(v))) return false;
    if (want.allOf && !want.allOf.every((v) => have.includes(v))) return false;
  }
  return true;
}

export function speedFor(speed: Record<string, number>, kind: string): number {
  const s = speed[kind];
  return s !== undefined && s > 0 ? s : 1;
}
