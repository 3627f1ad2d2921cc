/**
 * Rebuilds the repo's data/ copies from ../shared/data (run: `npx tsx lib/sim/data/bundle-data.ts`).
 * Verbatim copies except: the spot advisor JSON filtered to BUNDLED.spotAdvisorRegions (all
 * OSes), and the LCG trace cut to its header + first 5,000 jobs (a `; Note:` line says so).
 * data/ATTRIBUTION.md is written by hand; keep it in step with this list.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { gzipSync } from "node:zlib";
import { BUNDLED } from "./catalog.ts";
import { dataPath, readDataText, sharedDataPath } from "./data-path.ts";
import { filterSpotAdvisorJson } from "./spot-advisor.ts";

export const LCG_SLICE_JOBS = 5000;
const SELECTOR = "ec2/amazon-ec2-instance-selector/test/static/";
const MARKETS = [["DE-LU", 2024], ["US-CAL-CISO", 2024], ["US-TEX-ERCO", 2024]] as const;

function put(rel: string, content: Buffer | string): void {
  mkdirSync(dirname(dataPath(rel)), { recursive: true });
  writeFileSync(dataPath(rel), content);
}

function copy(sharedRel: string, rel: string): void {
  mkdirSync(dirname(dataPath(rel)), { recursive: true });
  copyFileSync(sharedDataPath(sharedRel), dataPath(rel));
}

export function bundleData(): void {
  copy("tariffs/urdb/SCE_TOU-8__Option-D_Under-2-kV.json", BUNDLED.urdb["sce-tou8"]);
  copy(`tariffs/urdb/${BUNDLED.urdb["smud-tod4"].split("/").pop()}`, BUNDLED.urdb["smud-tod4"]);
  for (const [m, y] of MARKETS) {
    const file = `${m}/${y}/${m}_electricity_prices_${y}.csv.gz`;
    copy(`tariffs/green-dcc/electricity_prices/standardized/${file}`, `${BUNDLED.marketsRoot}/${file}`);
  }
  const advisor = JSON.parse(readFileSync(sharedDataPath("ec2/spotinfo/spot-advisor-data.json"), "utf8"));
  put(BUNDLED.spotAdvisor, JSON.stringify(filterSpotAdvisorJson(advisor, [...BUNDLED.spotAdvisorRegions], ["Linux", "Windows"])));
  copy("ec2/awslabs-benchmark-ai/ec2_instance_info.csv", BUNDLED.gpuCounts);
  for (const rel of BUNDLED.describeInstanceTypes) copy(SELECTOR + rel.slice("ec2/".length), rel);
  copy(SELECTOR + "GetProducts/m5_large.json", BUNDLED.getProductsM5Large);
  copy(SELECTOR + "DescribeSpotPriceHistory/m5_large.json", BUNDLED.spotPriceHistoryM5Large);
  copy("traces/deadline-cloud/render_times.csv", BUNDLED.renderLog);
  const lines = readDataText(sharedDataPath("traces/pwa/LCG.swf.gz")).split("\n");
  const header = lines.filter((l) => l.startsWith(";"));
  const jobs = lines.filter((l) => l.trim() !== "" && !l.startsWith(";")).slice(0, LCG_SLICE_JOBS);
  const note = `; Note: burstfarm slice: header + first ${LCG_SLICE_JOBS} jobs of LCG.swf.gz (MaxJobs above is the full log)`;
  put(BUNDLED.lcgSlice, gzipSync([...header, note, ...jobs, ""].join("\n"), { level: 9 }));
  const licenses: [string, string][] = [
    ["tariffs/green-dcc/LICENSE", "licenses/green-dcc.LICENSE"],
    ["tariffs/urdb/LICENSE", "licenses/urdb-tariff-viewer.LICENSE"],
    ["ec2/spotinfo/LICENSE", "licenses/spotinfo.LICENSE"],
    ["ec2/amazon-ec2-instance-selector/LICENSE", "licenses/amazon-ec2-instance-selector.LICENSE"],
    ["ec2/amazon-ec2-instance-selector/NOTICE", "licenses/amazon-ec2-instance-selector.NOTICE"],
    ["traces/deadline-cloud/LICENSE", "licenses/deadline-cloud-samples.LICENSE"],
    ["traces/pwa/ATTRIBUTION.md", "licenses/pwa-ATTRIBUTION.md"],
  ];
  for (const [from, to] of licenses) copy(from, to);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop()!)) bundleData();
