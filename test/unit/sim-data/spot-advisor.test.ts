import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  BUNDLED, DEFAULT_PRICE_MODEL, bundledCloudOffers, cpuArchOf, dataPath, gpuLookup, interruptionPerHour, knownGpu,
  loadSpotAdvisor, onDemandPricePerHour, parseDescribeInstanceTypes, parseGetProductsOnDemand, parseGpuCountCsv,
  parseSpotAdvisor, sharedDataPath, spotAdvice, spotOffers,
} from "../../../lib/sim/data/index.ts";
import { SHARED } from "./helpers.ts";

const bundledAdvisor = () => loadSpotAdvisor(dataPath(BUNDLED.spotAdvisor));

describe("Spot Instance Advisor → CloudOffer", () => {
  it("reads g5.xlarge in us-east-1 (Linux): 59% savings, interruption bucket >20%", () => {
    const a = spotAdvice(bundledAdvisor(), "us-east-1", "linux", "g5.xlarge");
    expect(a).toMatchObject({ savingsPct: 59, bucket: 4, label: ">20%" });
    expect(a.interruptionPerHour).toBeCloseTo(1 - Math.pow(0.75, 1 / 730), 12);
  });

  it("maps buckets to increasing per-hour probabilities (midpoint per month → per hour)", () => {
    const p = [0, 1, 2, 3, 4].map(interruptionPerHour);
    for (let i = 1; i < p.length; i++) expect(p[i]!).toBeGreaterThan(p[i - 1]!);
    expect(p[0]).toBeCloseTo(1 - Math.pow(0.975, 1 / 730), 12);
    expect(() => interruptionPerHour(5)).toThrow("interruption bucket 5 is not in 0..4");
  });

  it("builds a g5.xlarge offer: 4 vCPU, 16 GiB, one A10G 24 GiB, spot = on-demand × 0.41", () => {
    const [o] = bundledCloudOffers({ region: "us-east-1", os: "linux", instanceTypes: ["g5.xlarge"] });
    expect(o!.capabilities).toEqual({
      vcpu: 4, memoryGiB: 16, gpuCount: 1, gpuModel: "A10G", gpuMemoryGiB: 24, os: "linux", cpuArch: "x86_64",
    });
    expect(o!.spotPricePerHour).toBeCloseTo(o!.onDemandPricePerHour * 0.41, 4);
    expect(o!.spotInterruptionPerHour).toBeCloseTo(interruptionPerHour(4), 12);
    expect(o!.bootSec).toBe(240);
  });

  it("prices m5.large on demand exactly as the GetProducts fixture ($0.096/h), the model's anchor", () => {
    const od = parseGetProductsOnDemand(readFileSync(dataPath(BUNDLED.getProductsM5Large)));
    expect(od).toMatchObject({ instanceType: "m5.large", operatingSystem: "Linux", pricePerHour: 0.096, currency: "USD" });
    const [m5] = bundledCloudOffers({ region: "us-east-1", os: "linux", instanceTypes: ["m5.large"] });
    expect(m5!.onDemandPricePerHour).toBe(od.pricePerHour);
    expect(m5!.spotPricePerHour).toBeCloseTo(0.096 * 0.34, 4); // s = 66
  });

  it("takes GPU facts from the DescribeInstanceTypes fixture before the family table", () => {
    const offers = bundledCloudOffers({ region: "us-east-1", os: "linux", instanceTypes: ["p3.16xlarge", "c7g.xlarge"] });
    expect(offers[1]!.capabilities).toMatchObject({ gpuCount: 8, gpuModel: "V100", gpuMemoryGiB: 16 });
    expect(offers[0]!.capabilities).toMatchObject({ gpuCount: 0, cpuArch: "arm64" });
    expect(offers[0]!.capabilities.gpuModel).toBeUndefined();
  });

  it("offers every advised type in a region, sorted, with GPU types among them", () => {
    const all = bundledCloudOffers({ region: "us-west-2", os: "linux" });
    expect(all.length).toBeGreaterThan(500);
    expect(all.map((o) => o.instanceType)).toEqual([...all.map((o) => o.instanceType)].sort());
    expect(all.filter((o) => o.capabilities.gpuCount > 0).length).toBeGreaterThan(20);
    for (const o of all) expect(o.spotPricePerHour).toBeLessThanOrEqual(o.onDemandPricePerHour);
  });

  it("adds the Windows licence to on-demand and reads Windows advice", () => {
    const [lin] = bundledCloudOffers({ region: "us-east-1", os: "linux", instanceTypes: ["m5.large"] });
    const [win] = bundledCloudOffers({ region: "us-east-1", os: "windows", instanceTypes: ["m5.large"] });
    expect(win!.onDemandPricePerHour).toBeCloseTo(lin!.onDemandPricePerHour + 2 * 0.046, 4);
    expect(win!.capabilities.os).toBe("windows");
  });

  it("passes speed, boot and instance limits through", () => {
    const [o] = bundledCloudOffers({
      region: "us-east-1", os: "linux", instanceTypes: ["c5.4xlarge"], bootSec: 300, maxInstances: 7,
      speed: (_t, caps) => ({ "render-cpu": caps.vcpu / 16 }),
    });
    expect(o).toMatchObject({ bootSec: 300, maxInstances: 7, speed: { "render-cpu": 1 } });
  });

  it("names the region, OS or type that is missing", () => {
    const adv = bundledAdvisor();
    expect(() => spotOffers(adv, { region: "xx-north-9", os: "linux" })).toThrow(/"xx-north-9" not in the advisor data \(has eu-central-1, us-east-1, us-west-2\)/);
    expect(() => spotOffers(adv, { region: "us-east-1", os: "macos" })).toThrow('not "macos"');
    expect(() => spotOffers(adv, { region: "us-east-1", os: "linux", instanceTypes: ["g2.2xlarge"] })).toThrow('"g2.2xlarge" has no spot advice in us-east-1/linux');
    expect(() => spotAdvice(adv, "us-east-1", "linux", "z9.huge")).toThrow('"z9.huge" has no spot advice');
    expect(() => parseSpotAdvisor("{}")).toThrow("spot advisor.ranges: missing");
    expect(() => parseSpotAdvisor("[")).toThrow("not valid JSON");
  });

  it.skipIf(!SHARED)("gives the same offers from the shared original as from the filtered copy", () => {
    const full = loadSpotAdvisor(sharedDataPath("ec2/spotinfo/spot-advisor-data.json"));
    expect(Object.keys(full.advice)).toHaveLength(33);
    expect(Object.keys(full.instanceTypes)).toHaveLength(929);
    const types = ["g5.xlarge", "m5.large", "g4dn.12xlarge", "r6g.medium"];
    expect(spotOffers(full, { region: "eu-central-1", os: "linux", instanceTypes: types }))
      .toEqual(spotOffers(bundledAdvisor(), { region: "eu-central-1", os: "linux", instanceTypes: types }));
  });
});

describe("GPU facts and price model", () => {
  it("reads the benchmark-ai count CSV and the DescribeInstanceTypes fixtures", () => {
    const counts = parseGpuCountCsv(readFileSync(dataPath(BUNDLED.gpuCounts)));
    expect(counts.get("p2.16xlarge")).toEqual({ count: 16, model: "K80", memoryGiB: 12 });
    expect(counts.get("a1.large")).toEqual({ count: 0 });
    const g2 = parseDescribeInstanceTypes(readFileSync(dataPath("ec2/DescribeInstanceTypes/g2_2xlarge.json")));
    expect(g2.get("g2.2xlarge")).toEqual({ count: 1, model: "K520", memoryGiB: 4 });
    expect(() => parseGpuCountCsv("p3.2xlarge,one", "x.csv")).toThrow('x.csv: line 1: expected "type,count"');
    expect(() => parseDescribeInstanceTypes("{}")).toThrow("DescribeInstanceTypes.InstanceTypes: missing array");
  });

  it("sizes GPU counts by family and size", () => {
    expect(knownGpu("g5.12xlarge")).toEqual({ count: 4, model: "A10G", memoryGiB: 24 });
    expect(knownGpu("g6e.48xlarge")?.count).toBe(8);
    expect(knownGpu("m5.large")).toBeUndefined();
    const lookup = gpuLookup({ counts: [new Map([["zz.big", { count: 3 }]])] });
    expect(lookup("zz.big")).toEqual({ count: 3 });
    expect(lookup("g4dn.xlarge")?.model).toBe("T4");
  });

  it("detects Graviton families", () => {
    expect(["m6g.large", "c7gn.xlarge", "g5g.xlarge", "im4gn.large", "a1.large", "is4gen.large"].map(cpuArchOf)).toEqual(Array(6).fill("arm64"));
    expect(["g5.xlarge", "g4dn.xlarge", "m7i-flex.large", "c5.large", "gr6.4xlarge"].map(cpuArchOf)).toEqual(Array(5).fill("x86_64"));
  });

  it("models p3.16xlarge close to its ~$24.48 list price and arm below x86", () => {
    const p3 = onDemandPricePerHour({ vcpu: 64, memoryGiB: 488, gpuCount: 8, gpuModel: "V100", os: "linux", cpuArch: "x86_64" });
    expect(p3).toBeGreaterThan(22);
    expect(p3).toBeLessThan(27);
    const x86 = onDemandPricePerHour({ vcpu: 4, memoryGiB: 8, gpuCount: 0, os: "linux", cpuArch: "x86_64" });
    const arm = onDemandPricePerHour({ vcpu: 4, memoryGiB: 8, gpuCount: 0, os: "linux", cpuArch: "arm64" });
    expect(arm).toBeCloseTo(x86 * DEFAULT_PRICE_MODEL.armFactor, 3);
  });
});
