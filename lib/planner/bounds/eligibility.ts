/**
 * Does a machine satisfy a step's hard requirements? The bounds keep their own small matcher
 * (rather than the planner's matching/) so the bound stays a fixed reference while the planner's
 * matching evolves; blocklists and shares are ignored on purpose (the bounds are relaxations).
 */
import type { Capabilities, Requirements } from "../types.ts";

export function satisfies(caps: Capabilities, req: Requirements): boolean {
  if (req.os && req.os.length > 0 && !req.os.includes(caps.os)) return false;
  if (req.cpuArch && req.cpuArch.length > 0 && !req.cpuArch.includes(caps.cpuArch)) return false;
  if (req.minVcpu !== undefined && caps.vcpu < req.minVcpu) return false;
  if (req.minMemoryGiB !== undefined && caps.memoryGiB < req.minMemoryGiB) return false;
  if (req.minGpuCount !== undefined && caps.gpuCount < req.minGpuCount) return false;
  if (req.minGpuMemoryGiB !== undefined && (caps.gpuMemoryGiB ?? 0) < req.minGpuMemoryGiB) return false;
  if (req.gpuModels && req.gpuModels.length > 0 && !(caps.gpuModel && req.gpuModels.includes(caps.gpuModel))) return false;
  for (const [name, range] of Object.entries(req.amounts ?? {})) {
    const have = amountOf(caps, name);
    if (range.min !== undefined && have < range.min) return false;
    if (range.max !== undefined && have > range.max) return false;
  }
  for (const [name, want] of Object.entries(req.attributes ?? {})) {
    const have = attributeOf(caps, name);
    if (want.anyOf && want.anyOf.length > 0 && !want.anyOf.some((v) => have.includes(v))) return false;
    if (want.allOf && !want.allOf.every((v) => have.includes(v))) return false;
  }
  return true;
}

/** OpenJD standard amounts map onto the typed fields; others come from `caps.amounts`. */
function amountOf(caps: Capabilities, name: string): number {
  switch (name) {
    case "amount.worker.vcpu": return caps.vcpu;
    case "amount.worker.memory": return caps.memoryGiB * 1024; // OpenJD memory is MiB
    case "amount.worker.gpu": return caps.gpuCount;
    case "amount.worker.gpu.memory": return (caps.gpuMemoryGiB ?? 0) * 1024;
    default: return caps.amounts?.[name] ?? 0;
  }
}

function attributeOf(caps: Capabilities, name: string): string[] {
  switch (name) {
    case "attr.worker.os.family": return [caps.os];
    case "attr.worker.cpu.arch": return [caps.cpuArch];
    default: return caps.attributes?.[name] ?? [];
  }
}
