/**
 * EC2 DescribeSpotPriceHistory JSON → a time series per availability zone.
 *
 *   const h = parseSpotPriceHistory(text);   // sorted by time, oldest first
 *   spotPriceAt(h, "us-east-1a", at)         // last price set at or before `at`, or null
 *
 * A spot price holds from its Timestamp until the next record for the same AZ/type/product.
 */
import { DataError } from "./data-error.ts";
import { readDataText, toText } from "./data-path.ts";

export interface SpotPricePoint {
  availabilityZone: string;
  instanceType: string;
  productDescription: string;
  pricePerHour: number;
  at: number;
}

export function parseSpotPriceHistory(input: string | Buffer, source = "DescribeSpotPriceHistory"): SpotPricePoint[] {
  let doc: { SpotPriceHistory?: unknown };
  try { doc = JSON.parse(toText(input)); } catch (e) { throw new DataError(source, "not valid JSON", { cause: e }); }
  if (!Array.isArray(doc.SpotPriceHistory)) throw new DataError(`${source}.SpotPriceHistory`, "missing array");
  return (doc.SpotPriceHistory as Record<string, string>[]).map((r, i) => {
    const pricePerHour = Number(r.SpotPrice);
    const at = Date.parse(r.Timestamp ?? "");
    if (!Number.isFinite(pricePerHour)) throw new DataError(`${source}.SpotPriceHistory[${i}].SpotPrice`, `not a number: "${r.SpotPrice}"`);
    if (!Number.isFinite(at)) throw new DataError(`${source}.SpotPriceHistory[${i}].Timestamp`, `not a time: "${r.Timestamp}"`);
    return {
      availabilityZone: r.AvailabilityZone ?? "", instanceType: r.InstanceType ?? "",
      productDescription: r.ProductDescription ?? "", pricePerHour, at,
    };
  }).sort((a, b) => a.at - b.at || a.availabilityZone.localeCompare(b.availabilityZone));
}

export function loadSpotPriceHistory(path: string): SpotPricePoint[] {
  return parseSpotPriceHistory(readDataText(path), path);
}

/** Price in force in `az` at `at` (any type/product in the series), or null before the first. */
export function spotPriceAt(series: SpotPricePoint[], az: string, at: number): number | null {
  let price: number | null = null;
  for (const p of series) {
    if (p.at > at) break;
    if (p.availabilityZone === az) price = p.pricePerHour;
  }
  return price;
}
