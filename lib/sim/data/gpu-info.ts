/**
 * GPU count, model and memory per EC2 instance type, from three sources in this order:
 * 1. DescribeInstanceTypes responses (`GpuInfo`; the instance-selector test fixtures);
 * 2. `KNOWN_GPU_FAMILIES` below: current GPU families typed in by hand from the AWS
 *    "Accelerated computing instances" documentation (not in the shared data — the only
 *    machine-readable GPU lists there cover ~2019 types); ASSUMPTION, check before billing;
 * 3. the awslabs/benchmark-ai `instance_type,gpu_count` CSV (count only; model and memory
 *    then come from the family table when the family is known).
 * Unknown types have no entry (callers treat them as GPU-less).
 */
import { DataError } from "./data-error.ts";
import { toText } from "./data-path.ts";

export interface GpuInfo {
  count: number;
  model?: string;
  /** Memory per GPU, GiB. */
  memoryGiB?: number;
}

interface Family { model: string; memoryGiB: number; countBySize: Record<string, number>; defaultCount: number }

const std4x8 = { "12xlarge": 4, "24xlarge": 4, "48xlarge": 8 };

/** Hand-entered from AWS documentation (see module comment). */
export const KNOWN_GPU_FAMILIES: Record<string, Family> = {
  g2: { model: "K520", memoryGiB: 4, countBySize: { "8xlarge": 4 }, defaultCount: 1 },
  g3: { model: "M60", memoryGiB: 8, countBySize: { "8xlarge": 2, "16xlarge": 4 }, defaultCount: 1 },
  g3s: { model: "M60", memoryGiB: 8, countBySize: {}, defaultCount: 1 },
  g4dn: { model: "T4", memoryGiB: 16, countBySize: { "12xlarge": 4, metal: 8 }, defaultCount: 1 },
  g4ad: { model: "Radeon Pro V520", memoryGiB: 8, countBySize: { "8xlarge": 2, "16xlarge": 4 }, defaultCount: 1 },
  g5: { model: "A10G", memoryGiB: 24, countBySize: std4x8, defaultCount: 1 },
  g5g: { model: "T4g", memoryGiB: 16, countBySize: { "16xlarge": 2, metal: 2 }, defaultCount: 1 },
  g6: { model: "L4", memoryGiB: 24, countBySize: std4x8, defaultCount: 1 },
  gr6: { model: "L4", memoryGiB: 24, countBySize: {}, defaultCount: 1 },
  g6e: { model: "L40S", memoryGiB: 48, countBySize: std4x8, defaultCount: 1 },
  p2: { model: "K80", memoryGiB: 12, countBySize: { "8xlarge": 8, "16xlarge": 16 }, defaultCount: 1 },
  p3: { model: "V100", memoryGiB: 16, countBySize: { "8xlarge": 4, "16xlarge": 8 }, defaultCount: 1 },
  p3dn: { model: "V100", memoryGiB: 32, countBySize: {}, defaultCount: 8 },
  p4d: { model: "A100", memoryGiB: 40, countBySize: {}, defaultCount: 8 },
  p4de: { model: "A100", memoryGiB: 80, countBySize: {}, defaultCount: 8 },
  p5: { model: "H100", memoryGiB: 80, countBySize: {}, defaultCount: 8 },
};

export type GpuTable = Map<string, GpuInfo>;

function split(type: string): [string, string] {
  const dot = type.indexOf(".");
  return dot < 0 ? [type, ""] : [type.slice(0, dot), type.slice(dot + 1)];
}

/** Entry from the hand table, or undefined when the family is not a known GPU family. */
export function knownGpu(type: string): GpuInfo | undefined {
  const [family, size] = split(type);
  const f = KNOWN_GPU_FAMILIES[family];
  if (!f) return undefined;
  return { count: f.countBySize[size] ?? f.defaultCount, model: f.model, memoryGiB: f.memoryGiB };
}

/** `instance_type,gpu_count` lines (no header) → table with model/memory from the family table. */
export function parseGpuCountCsv(input: string | Buffer, source = "gpu csv"): GpuTable {
  const table: GpuTable = new Map();
  toText(input).split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "") return;
    const [type, count] = line.split(",");
    const n = Number(count);
    if (!type || !Number.isInteger(n) || n < 0) throw new DataError(source, `line ${i + 1}: expected "type,count", got "${line}"`);
    const family = KNOWN_GPU_FAMILIES[split(type)[0]];
    table.set(type.trim(), n > 0 && family ? { count: n, model: family.model, memoryGiB: family.memoryGiB } : { count: n });
  });
  return table;
}

/** DescribeInstanceTypes JSON → table (only types present in the response). */
export function parseDescribeInstanceTypes(input: string | Buffer, source = "DescribeInstanceTypes"): GpuTable {
  let doc: { InstanceTypes?: unknown };
  try { doc = JSON.parse(toText(input)); } catch (e) { throw new DataError(source, "not valid JSON", { cause: e }); }
  if (!Array.isArray(doc.InstanceTypes)) throw new DataError(`${source}.InstanceTypes`, "missing array");
  const table: GpuTable = new Map();
  for (const it of doc.InstanceTypes as { InstanceType?: string; GpuInfo?: { Gpus?: { Count: number; Name: string; MemoryInfo?: { SizeInMiB: number } }[] } | null }[]) {
    if (!it.InstanceType) continue;
    const gpus = it.GpuInfo?.Gpus ?? [];
    const g = gpus[0];
    table.set(it.InstanceType, g
      ? { count: gpus.reduce((s, x) => s + x.Count, 0), model: g.Name, ...(g.MemoryInfo ? { memoryGiB: g.MemoryInfo.SizeInMiB / 1024 } : {}) }
      : { count: 0 });
  }
  return table;
}

/** Lookup in the module's order: DescribeInstanceTypes tables, the family table, count tables. */
export function gpuLookup(sources: { described?: GpuTable[]; counts?: GpuTable[] }): (type: string) => GpuInfo | undefined {
  const described = sources.described ?? [];
  const counts = sources.counts ?? [];
  return (type) => {
    for (const t of described) { const v = t.get(type); if (v) return v; }
    const known = knownGpu(type);
    if (known) return known;
    for (const t of counts) { const v = t.get(type); if (v) return v; }
    return undefined;
  };
}
