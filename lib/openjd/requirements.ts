/**
 * OpenJD host requirements (spec §3.3) → the planner's `Requirements`. Capability names
 * compare case-insensitively. OpenJD gives memory in MiB; the planner works in GiB. A `max`
 * on a standard amount is kept under `amounts` as well, so matching can honour it.
 */
import type { OsFamily, Requirements } from "../planner/index.ts";
import type { HostRequirements } from "./model.ts";

const MIN_FIELD: Record<string, { field: "minVcpu" | "minMemoryGiB" | "minGpuCount" | "minGpuMemoryGiB"; scale: number }> = {
  "amount.worker.vcpu": { field: "minVcpu", scale: 1 },
  "amount.worker.memory": { field: "minMemoryGiB", scale: 1 / 1024 },
  "amount.worker.gpu": { field: "minGpuCount", scale: 1 },
  "amount.worker.gpu.memory": { field: "minGpuMemoryGiB", scale: 1 / 1024 },
};

export function toRequirements(host: HostRequirements | undefined): Requirements {
  const req: Requirements = {};
  for (const amount of host?.amounts ?? []) {
    const key = amount.name.toLowerCase();
    const standard = MIN_FIELD[key];
    if (standard && amount.min !== undefined) req[standard.field] = amount.min * standard.scale;
    if (!standard || amount.max !== undefined) {
      req.amounts ??= {};
      req.amounts[standard ? key : amount.name] = {
        ...(amount.min !== undefined && { min: amount.min }),
        ...(amount.max !== undefined && { max: amount.max }),
      };
    }
  }
  for (const attr of host?.attributes ?? []) {
    const key = attr.name.toLowerCase();
    if (key === "attr.worker.os.family" || key === "attr.worker.cpu.arch") {
      // allOf on a single-valued attribute means "exactly this"; anyOf lists alternatives.
      const values = (attr.anyOf ?? attr.allOf ?? []).map((v) => v.toLowerCase());
      if (key === "attr.worker.os.family") req.os = values as OsFamily[];
      else req.cpuArch = values;
      continue;
    }
    req.attributes ??= {};
    req.attributes[attr.name] = {
      ...(attr.anyOf && { anyOf: [...attr.anyOf] }),
      ...(attr.allOf && { allOf: [...attr.allOf] }),
    };
  }
  return req;
}
