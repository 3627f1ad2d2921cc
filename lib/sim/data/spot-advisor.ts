/**
 * AWS Spot Instance Advisor feed (spot-advisor-data.json) → the planner's `CloudOffer[]`.
 *
 *   const adv = loadSpotAdvisor(path);                 // or parseSpotAdvisor(textOrBuffer)
 *   spotAdvice(adv, "us-east-1", "linux", "g5.xlarge") // { savingsPct: 59, bucket: 4, label: ">20%", interruptionPerHour }
 *   spotOffers(adv, { region: "us-east-1", os: "linux", gpu, instanceTypes: ["g5.xlarge"] })
 *
 * Capabilities: `instance_types[t].cores` is the vCPU count (g5.xlarge: 4), `ram_gb` GiB;
 * GPUs from a `gpuLookup` (gpu-info.ts); arch arm64 for Graviton families (a "g" after the
 * generation digit: m6g, c7gn, g5g, im4gn; and a1), else x86_64.
 * Prices: on-demand from the price MODEL in price-model.ts (no price list is available);
 * spot = on-demand × (1 − s/100).
 * Interruption: bucket r is "frequency of interruption over the trailing month" (<5%, 5-10%,
 * 10-15%, 15-20%, >20%). We take the bucket midpoint as the probability an instance is
 * interrupted within a month of running (2.5, 7.5, 12.5, 17.5 %, and 25% for ">20%", an
 * assumption) and convert to per hour: p_h = 1 − (1 − p_month)^(1/730).
 */
import type { CloudOffer, OsFamily } from "../../planner/index.ts";
import { DataError } from "./data-error.ts";
import { readDataText, toText } from "./data-path.ts";
import type { GpuInfo } from "./gpu-info.ts";
import { DEFAULT_PRICE_MODEL, onDemandPricePerHour, type PriceModel } from "./price-model.ts";

export interface SpotRange { index: number; label: string; max: number }

export interface SpotAdvisor {
  ranges: SpotRange[];
  instanceTypes: Record<string, { cores: number; ram_gb: number }>;
  /** region → "Linux" | "Windows" → type → { s: savings %, r: bucket }. */
  advice: Record<string, Record<string, Record<string, { s: number; r: number }>>>;
}

export interface SpotAdvice {
  savingsPct: number;
  bucket: number;
  label: string;
  interruptionPerHour: number;
}

export const MONTHLY_INTERRUPTION_BY_BUCKET = [0.025, 0.075, 0.125, 0.175, 0.25];
const HOURS_PER_MONTH = 730;

export function interruptionPerHour(bucket: number): number {
  const pm = MONTHLY_INTERRUPTION_BY_BUCKET[bucket];
  if (pm === undefined) throw new DataError("r", `interruption bucket ${bucket} is not in 0..4`);
  return 1 - Math.pow(1 - pm, 1 / HOURS_PER_MONTH);
}

export function parseSpotAdvisor(input: string | Buffer | object, source = "spot advisor"): SpotAdvisor {
  let doc: any = input;
  if (typeof input === "string" || Buffer.isBuffer(input)) {
    try { doc = JSON.parse(toText(input)); } catch (e) { throw new DataError(source, "not valid JSON", { cause: e }); }
  }
  for (const key of ["ranges", "instance_types", "spot_advisor"]) {
    if (!doc || typeof doc[key] !== "object") throw new DataError(`${source}.${key}`, "missing");
  }
  return { ranges: doc.ranges, instanceTypes: doc.instance_types, advice: doc.spot_advisor };
}

export function loadSpotAdvisor(path: string): SpotAdvisor {
  return parseSpotAdvisor(readDataText(path), path);
}

function osKey(os: OsFamily): string {
  if (os === "linux") return "Linux";
  if (os === "windows") return "Windows";
  throw new DataError("os", `spot advice exists for linux and windows only, not "${os}"`);
}

function table(adv: SpotAdvisor, region: string, os: OsFamily): Record<string, { s: number; r: number }> {
  const byOs = adv.advice[region];
  if (!byOs) throw new DataError("region", `"${region}" not in the advisor data (has ${Object.keys(adv.advice).sort().join(", ")})`);
  const t = byOs[osKey(os)];
  if (!t) throw new DataError("os", `no ${os} advice for ${region}`);
  return t;
}

export function spotAdvice(adv: SpotAdvisor, region: string, os: OsFamily, instanceType: string): SpotAdvice {
  const a = table(adv, region, os)[instanceType];
  if (!a) throw new DataError("instanceType", `"${instanceType}" has no spot advice in ${region}/${os}`);
  return { savingsPct: a.s, bucket: a.r, label: adv.ranges[a.r]?.label ?? `bucket ${a.r}`, interruptionPerHour: interruptionPerHour(a.r) };
}

export function cpuArchOf(instanceType: string): string {
  const family = instanceType.split(".")[0] ?? "";
  return family === "a1" || /^[a-z]+\d+[a-z-]*g/.test(family) ? "arm64" : "x86_64";
}

export interface SpotOfferOptions {
  region: string;
  os: OsFamily;
  /** GPU facts per type (gpu-info.ts `gpuLookup`); absent → GPU-less. */
  gpu?: (type: string) => GpuInfo | undefined;
  /** Only these types (default: every type the region has advice for). */
  instanceTypes?: string[];
  priceModel?: PriceModel;
  /** Seconds from request to a node taking work; default 240 (boot + asset sync). */
  bootSec?: number;
  maxInstances?: number;
  /** Throughput per kind for an offer; default {} (1.0 for every kind). */
  speed?: (instanceType: string, caps: CloudOffer["capabilities"]) => Record<string, number>;
}

/** Offers sorted by instance type; types missing from instance_types are skipped. */
export function spotOffers(adv: SpotAdvisor, opts: SpotOfferOptions): CloudOffer[] {
  const advice = table(adv, opts.region, opts.os);
  const types = opts.instanceTypes ?? Object.keys(advice);
  const offers: CloudOffer[] = [];
  for (const type of [...types].sort()) {
    const a = advice[type];
    const spec = adv.instanceTypes[type];
    if (!a || !spec) {
      if (opts.instanceTypes) throw new DataError("instanceTypes", `"${type}" has no ${a ? "size" : "spot advice"} in ${opts.region}/${opts.os}`);
      continue;
    }
    const g = opts.gpu?.(type);
    const capabilities: CloudOffer["capabilities"] = {
      vcpu: spec.cores, memoryGiB: spec.ram_gb, gpuCount: g?.count ?? 0, os: opts.os, cpuArch: cpuArchOf(type),
      ...(g?.model && g.count > 0 ? { gpuModel: g.model } : {}),
      ...(g?.memoryGiB && g.count > 0 ? { gpuMemoryGiB: g.memoryGiB } : {}),
    };
    const onDemand = onDemandPricePerHour(capabilities, opts.priceModel ?? DEFAULT_PRICE_MODEL);
    offers.push({
      instanceType: type, capabilities, speed: opts.speed?.(type, capabilities) ?? {},
      onDemandPricePerHour: onDemand,
      spotPricePerHour: Math.round(onDemand * (1 - a.s / 100) * 10_000) / 10_000,
      bootSec: opts.bootSec ?? 240,
      spotInterruptionPerHour: interruptionPerHour(a.r),
      maxInstances: opts.maxInstances ?? 100,
    });
  }
  return offers;
}

/** The advisor JSON cut down to some regions and OSes (for the bundled data/ copy). */
export function filterSpotAdvisorJson(doc: any, regions: string[], oses: string[]): object {
  const spot_advisor: Record<string, Record<string, unknown>> = {};
  const used = new Set<string>();
  for (const r of regions) {
    spot_advisor[r] = {};
    for (const os of oses) {
      const t = doc.spot_advisor?.[r]?.[os];
      if (!t) throw new DataError("spot_advisor", `no ${r}/${os}`);
      spot_advisor[r]![os] = t;
      for (const k of Object.keys(t)) used.add(k);
    }
  }
  const instance_types = Object.fromEntries(Object.entries(doc.instance_types).filter(([k]) => used.has(k)));
  return { ranges: doc.ranges, global_rate: doc.global_rate, instance_types, spot_advisor };
}
