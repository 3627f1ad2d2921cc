/**
 * On-demand price model for EC2 types. The shared data has NO on-demand price list: only
 * m5.large (Linux, us-east-1, $0.096/h, GetProducts fixture). So on-demand is MODELLED:
 *
 *   price/h = (vcpu × perVcpuHour + GiB × perGiBHour) × (arm64 ? armFactor : 1)
 *             + gpuCount × gpuPerHour[model] + (windows ? vcpu × windowsPerVcpuHour : 0)
 *
 * - perVcpuHour / perGiBHour: the split is an assumption (a GiB-hour ≈ 7.4% of a vCPU-hour,
 *   about the c5-vs-m5 list-price gap); the scale is calibrated so m5.large is exact
 *   (`calibratePriceModel`). Memory-heavy and compute-heavy types come out within ~10%.
 * - armFactor 0.8: Graviton types list ~20% below x86 peers (assumption).
 * - gpuPerHour: per-GPU premium by model = approximate public list price of the smallest
 *   type of the family minus its modelled CPU/RAM part (ASSUMPTIONS, typed in by hand);
 *   unknown models use `defaultGpuPerHour`.
 * - windowsPerVcpuHour: the m5.large Windows-minus-Linux gap per vCPU (assumption).
 * Spot price is derived elsewhere as on-demand × (1 − Spot Advisor savings).
 */
import type { Capabilities } from "../../planner/index.ts";
import { DataError } from "./data-error.ts";
import { toText } from "./data-path.ts";

export interface PriceModel {
  perVcpuHour: number;
  perGiBHour: number;
  armFactor: number;
  windowsPerVcpuHour: number;
  gpuPerHour: Record<string, number>;
  defaultGpuPerHour: number;
}

const GIB_PER_VCPU_PRICE_RATIO = 0.0743;

export function calibratePriceModel(
  reference: { vcpu: number; memoryGiB: number; pricePerHour: number },
  base: Omit<PriceModel, "perVcpuHour" | "perGiBHour">,
): PriceModel {
  const perVcpuHour = reference.pricePerHour / (reference.vcpu + GIB_PER_VCPU_PRICE_RATIO * reference.memoryGiB);
  return { ...base, perVcpuHour, perGiBHour: perVcpuHour * GIB_PER_VCPU_PRICE_RATIO };
}

/** m5.large, Linux, us-east-1, from the GetProducts fixture (2021-02-01). */
export const M5_LARGE_ON_DEMAND = { vcpu: 2, memoryGiB: 8, pricePerHour: 0.096 };

export const DEFAULT_PRICE_MODEL: PriceModel = calibratePriceModel(M5_LARGE_ON_DEMAND, {
  armFactor: 0.8,
  windowsPerVcpuHour: 0.046,
  gpuPerHour: {
    K520: 0.31, M60: 0.52, T4: 0.33, "Radeon Pro V520": 0.19, A10G: 0.81, T4g: 0.28,
    L4: 0.61, L40S: 1.62, K80: 0.58, V100: 2.6, A100: 3.26, H100: 6.0,
  },
  defaultGpuPerHour: 1.0,
});

export function onDemandPricePerHour(caps: Capabilities, model: PriceModel = DEFAULT_PRICE_MODEL): number {
  const base = (caps.vcpu * model.perVcpuHour + caps.memoryGiB * model.perGiBHour) * (caps.cpuArch === "arm64" ? model.armFactor : 1);
  const gpu = caps.gpuCount > 0 ? caps.gpuCount * (model.gpuPerHour[caps.gpuModel ?? ""] ?? model.defaultGpuPerHour) : 0;
  const windows = caps.os === "windows" ? caps.vcpu * model.windowsPerVcpuHour : 0;
  return Math.round((base + gpu + windows) * 10_000) / 10_000;
}

export interface OnDemandPrice {
  instanceType: string;
  operatingSystem: string;
  location: string;
  pricePerHour: number;
  currency: string;
  effectiveAt: number;
}

/** One product of a Pricing API GetProducts answer → its hourly on-demand price. */
export function parseGetProductsOnDemand(input: string | Buffer, source = "GetProducts"): OnDemandPrice {
  let doc: any;
  try { doc = JSON.parse(toText(input)); } catch (e) { throw new DataError(source, "not valid JSON", { cause: e }); }
  const attrs = doc?.product?.attributes;
  if (!attrs?.instanceType) throw new DataError(`${source}.product.attributes.instanceType`, "missing");
  const term = Object.values(doc?.terms?.OnDemand ?? {})[0] as any;
  const dim = term && (Object.values(term.priceDimensions ?? {})[0] as any);
  const [currency, value] = Object.entries(dim?.pricePerUnit ?? {})[0] ?? [];
  const price = Number(value);
  if (!dim || dim.unit !== "Hrs" || !Number.isFinite(price)) throw new DataError(`${source}.terms.OnDemand`, "no hourly price dimension");
  return {
    instanceType: attrs.instanceType, operatingSystem: attrs.operatingSystem, location: attrs.location,
    pricePerHour: price, currency: currency!, effectiveAt: Date.parse(term.effectiveDate),
  };
}
