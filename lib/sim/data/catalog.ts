/**
 * Named data sets for scenarios: each resolves to the bundled copy in data/ (always present)
 * and, where it exists, the fuller original under ../shared/data.
 *
 *   bundledTariff("sce-tou8", { from, to, timeZone: "America/Los_Angeles" })
 *   bundledMarketTariff("US-CAL-CISO", 2024, { from, to })   // data/ first, then the shared folder
 *   bundledCloudOffers({ region: "us-east-1", os: "linux", instanceTypes: ["g5.xlarge"] })
 *   bundledRenderLog(); await bundledLcgSlice()
 *
 * Bundled: see data/ATTRIBUTION.md for origins and licences.
 */
import { existsSync } from "node:fs";
import type { CloudOffer, Tariff } from "../../planner/index.ts";
import { DataError } from "./data-error.ts";
import { dataPath, readDataText } from "./data-path.ts";
import { gpuLookup, parseDescribeInstanceTypes, parseGpuCountCsv } from "./gpu-info.ts";
import { listMarkets, loadMarketPrices, marketToTariff, type MarketFile, type MarketWindow } from "./market-prices.ts";
import { loadRenderLog, type RenderLog } from "./render-log.ts";
import { loadSpotAdvisor, spotOffers, type SpotAdvisor, type SpotOfferOptions } from "./spot-advisor.ts";
import { readSwfFile, type SwfOptions, type SwfTrace } from "./swf.ts";
import { loadUrdbTariff, urdbToTariff, type UrdbTariff, type UrdbWindow } from "./urdb-tariff.ts";

export const BUNDLED = {
  urdb: {
    "sce-tou8": "tariffs/urdb/SCE_TOU-8__Option-D_Under-2-kV.json",
    "smud-tod4": "tariffs/urdb/Sacramento_Municipal_Utility_District_CI_TOD4_Commercial_and_Industrial_TOD_Secondary_1000_kW.json",
  },
  marketsRoot: "tariffs/markets",
  spotAdvisor: "ec2/spot-advisor-data.filtered.json",
  spotAdvisorRegions: ["us-east-1", "us-west-2", "eu-central-1"],
  gpuCounts: "ec2/ec2_instance_info.csv",
  describeInstanceTypes: ["ec2/DescribeInstanceTypes/g2_2xlarge.json", "ec2/DescribeInstanceTypes/t3_micro_and_p3_16xl.json"],
  getProductsM5Large: "ec2/GetProducts/m5_large.json",
  spotPriceHistoryM5Large: "ec2/DescribeSpotPriceHistory/m5_large.json",
  renderLog: "traces/render_times.csv",
  lcgSlice: "traces/LCG-first5000.swf.gz",
} as const;

export type BundledTariffName = keyof typeof BUNDLED.urdb;

export function bundledUrdb(name: BundledTariffName): UrdbTariff {
  const rel = BUNDLED.urdb[name];
  if (!rel) throw new DataError("tariff", `unknown bundled tariff "${name}" (have ${Object.keys(BUNDLED.urdb).join(", ")})`);
  return loadUrdbTariff(dataPath(rel));
}

export function bundledTariff(name: BundledTariffName, window: UrdbWindow): Tariff {
  return urdbToTariff(bundledUrdb(name), window);
}

/** Markets in data/ (bundled), e.g. DE-LU, US-CAL-CISO, US-TEX-ERCO for 2024. */
export function bundledMarkets(): MarketFile[] {
  return listMarkets(dataPath(BUNDLED.marketsRoot));
}

/**
 * Hourly prices of one market-year: the bundled copy when there is one (same bytes as the
 * shared original, so results do not depend on the machine), else the shared folder.
 */
export function bundledMarketTariff(market: string, year: number, window: MarketWindow): Tariff {
  const all = [...bundledMarkets(), ...listMarkets()];
  const file = all.find((m) => m.market === market && m.year === year);
  if (!file) {
    const have = [...new Set(all.map((m) => `${m.market}/${m.year}`))].join(", ");
    throw new DataError("market", `no prices for ${market} ${year} (have ${have})`);
  }
  return marketToTariff(loadMarketPrices(file.path), window);
}

let advisor: SpotAdvisor | undefined;

/** Offers from the bundled (filtered) advisor data with the bundled GPU tables. */
export function bundledCloudOffers(opts: Omit<SpotOfferOptions, "gpu">): CloudOffer[] {
  advisor ??= loadSpotAdvisor(dataPath(BUNDLED.spotAdvisor));
  const gpu = gpuLookup({
    described: BUNDLED.describeInstanceTypes.map((p) => parseDescribeInstanceTypes(readDataText(dataPath(p)), p)),
    counts: [parseGpuCountCsv(readDataText(dataPath(BUNDLED.gpuCounts)), BUNDLED.gpuCounts)],
  });
  return spotOffers(advisor, { ...opts, gpu });
}

export function bundledRenderLog(): RenderLog {
  return loadRenderLog(dataPath(BUNDLED.renderLog));
}

export function bundledLcgSlice(opts: SwfOptions = {}): Promise<SwfTrace> {
  return readSwfFile(dataPath(BUNDLED.lcgSlice), opts);
}

/** True when every bundled file is present (a packaging check for tests and `npm start`). */
export function missingBundledFiles(): string[] {
  const rels = [
    ...Object.values(BUNDLED.urdb), BUNDLED.spotAdvisor, BUNDLED.gpuCounts, ...BUNDLED.describeInstanceTypes,
    BUNDLED.getProductsM5Large, BUNDLED.spotPriceHistoryM5Large, BUNDLED.renderLog, BUNDLED.lcgSlice,
  ];
  return rels.filter((r) => !existsSync(dataPath(r)));
}
