import type { Capabilities, Requirements } from "../types.ts";
import { sortedStrings } from "../util/small-sort.ts";

/**
 * Hard requirements filter (OpenJD host requirements). Returns null when the capabilities
 * satisfy every requirement, otherwise the first unmet one in words, for "unplaceable" reasons.
 */
export function unmetRequirement(caps: Capabilities, req: Requirements): string | null {
  if (req.os && req.os.length > 0 && !req.os.includes(caps.os)) return `os ${req.os.join("|")}`;
  if (req.cpuArch && req.cpuArch.length > 0 && !req.cpuArch.includes(caps.cpuArch)) return `cpu arch ${req.cpuArch.join("|")}`;
  if (req.minVcpu !== undefined && caps.vcpu < req.minVcpu) return `${req.minVcpu} vCPU`;
  if (req.minMemoryGiB !== undefined && caps.memoryGiB < req.minMemoryGiB) return `${req.minMemoryGiB} GiB memory`;
  if (req.minGpuCount !== undefined && caps.gpuCount < req.minGpuCount) return `${req.minGpuCount} GPU`;
  if (req.minGpuMemoryGiB !== undefined && (caps.gpuMemoryGiB ?? 0) < req.minGpuMemoryGiB) return `${req.minGpuMemoryGiB} GiB GPU memory`;
  if (req.gpuModels && req.gpuModels.length > 0 && !(caps.gpuModel && req.gpuModels.includes(caps.gpuModel))) {
    return `GPU model ${req.gpuModels.join("|")}`;
  }
  for (const [name, range] of Object.entries(req.amounts ?? {})) {
    const have = caps.amounts?.[name] ?? 0;
    if ((range.min !== undefined && have < range.min) || (range.max !== undefined && have > range.max)) return name;
  }
  for (const [name, want] of Object.entries(req.attributes ?? {})) {
    const have = caps.attributes?.[name] ?? [];
    if (want.anyOf && !want.anyOf.some((v) => have.includes(v))) return `${name} any of ${want.anyOf.join("|")}`;
    if (want.allOf && !want.allOf.every((v) => have.includes(v))) return `${name} all of ${want.allOf.join("|")}`;
  }
  return null;
}

/** How much more machine a node is than the work asks for; lower is a better fit. */
export function surplus(caps: Capabilities, req: Requirements): number {
  const gpus = caps.gpuCount - (req.minGpuCount ?? 0);
  const cores = caps.vcpu - (req.minVcpu ?? 0);
  // A spare GPU is worth far more than a spare core: keep GPU boxes for GPU work.
  return gpus * 1000 + cores;
}

/** A stable key for memoising eligibility by requirement set. */
export function requirementsKey(req: Requirements): string {
  // Not JSON.stringify's key-list replacer: it filters nested keys too, so `amounts` and
  // `attributes` with different names would share one key (and one eligibility).
  let key = "";
  for (const k of sortedStrings(Object.keys(req))) key += `${k}=${JSON.stringify(req[k as keyof Requirements])};`;
  return key;
}
