import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import {
  BUNDLED, DataError, dataPath, missingBundledFiles, readDataText, repoRoot, sharedDataPath,
} from "../../../lib/sim/data/index.ts";
import { SHARED } from "./helpers.ts";

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]);
}

const dataFiles = filesUnder(dataPath("")).map((f) => relative(dataPath(""), f));

describe("bundled data/ folder", () => {
  it("resolves from the repo root, whatever the working directory", () => {
    expect(dataPath("traces/render_times.csv")).toBe(join(repoRoot, "data", "traces", "render_times.csv"));
    expect(statSync(join(repoRoot, "package.json")).isFile()).toBe(true);
  });

  it("has every file the catalog names", () => {
    expect(missingBundledFiles()).toEqual([]);
  });

  it("stays under 1.5 MB", () => {
    const bytes = dataFiles.reduce((s, f) => s + statSync(dataPath(f)).size, 0);
    expect(bytes).toBeLessThan(1.5 * 1024 * 1024);
  });

  it("attributes every data file in ATTRIBUTION.md (licence files and the note itself aside)", () => {
    const note = readFileSync(dataPath("ATTRIBUTION.md"), "utf8");
    const unattributed = dataFiles.filter((f) => !f.startsWith("licenses/") && f !== "ATTRIBUTION.md" && !note.includes(`| ${f} |`));
    expect(unattributed).toEqual([]);
    for (const licence of dataFiles.filter((f) => f.startsWith("licenses/"))) expect(note).toContain(licence);
  });

  it("reports a missing file as a DataError naming it", () => {
    expect(() => readDataText(dataPath("nope.csv"))).toThrow(DataError);
    expect(() => readDataText(dataPath("nope.csv"))).toThrow(/nope\.csv: file not found/);
  });

  it.skipIf(!SHARED)("holds byte-for-byte copies of the shared originals it says are verbatim", () => {
    const verbatim: [string, string][] = [
      [BUNDLED.urdb["sce-tou8"], "tariffs/urdb/SCE_TOU-8__Option-D_Under-2-kV.json"],
      [BUNDLED.renderLog, "traces/deadline-cloud/render_times.csv"],
      [BUNDLED.gpuCounts, "ec2/awslabs-benchmark-ai/ec2_instance_info.csv"],
      [BUNDLED.getProductsM5Large, "ec2/amazon-ec2-instance-selector/test/static/GetProducts/m5_large.json"],
      ["tariffs/markets/DE-LU/2024/DE-LU_electricity_prices_2024.csv.gz",
        "tariffs/green-dcc/electricity_prices/standardized/DE-LU/2024/DE-LU_electricity_prices_2024.csv.gz"],
    ];
    for (const [mine, theirs] of verbatim) {
      expect(readFileSync(dataPath(mine)).equals(readFileSync(sharedDataPath(theirs))), mine).toBe(true);
    }
  });
});
