/**
 * What `npm start` sets up on a fresh farm: the farm's settings (the SCE TOU-8 tariff of Los
 * Angeles and us-west-2 spot offers, both from bundled real data), two clients with guaranteed
 * shares, four on-prem machines of different speeds and kinds, and a demo that shows the
 * product's decisions: previews first, one deadline only the cloud can keep, one
 * energy-intensive job that waits for the cheaper tariff hour, a GPU-only job, an OpenJD sample.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { dccSecondsPerFrame } from "./dcc-stand-ins.ts";
import { withPolicy, type Capabilities, type CloudOffer, type Policy } from "../../planner/index.ts";
import type { ClientInput, FarmSettings } from "../../service/index.ts";
import { bundledCloudOffers, bundledTariff } from "../../sim/data/index.ts";

export const timeZone = "America/Los_Angeles";
const minute = 60_000;
const hour = 60 * minute;

/** A simulated on-prem machine: what it registers, and how fast the simulated renderer runs on it. */
export interface LocalNodeSpec {
  nodeId: string;
  capabilities: Capabilities;
  tags: string[];
  /** Simulated renderer speed per job kind (1 = the reference 32-core box). */
  speed: Record<string, number>;
  powerIdleW: number;
  powerBusyW: number;
}

export const demoNodes: LocalNodeSpec[] = [
  { nodeId: "ws-cpu-01", capabilities: { vcpu: 32, memoryGiB: 128, gpuCount: 0, os: "linux", cpuArch: "x86_64" }, tags: ["render-cpu"], speed: { "render-cpu": 1 }, powerIdleW: 120, powerBusyW: 450 },
  { nodeId: "ws-cpu-02", capabilities: { vcpu: 16, memoryGiB: 64, gpuCount: 0, os: "linux", cpuArch: "x86_64" }, tags: ["render-cpu"], speed: { "render-cpu": 0.6 }, powerIdleW: 90, powerBusyW: 300 },
  { nodeId: "ws-sim-01", capabilities: { vcpu: 64, memoryGiB: 512, gpuCount: 0, os: "linux", cpuArch: "x86_64" }, tags: ["sim", "render-cpu"], speed: { sim: 2, "render-cpu": 1.5 }, powerIdleW: 200, powerBusyW: 900 },
  { nodeId: "ws-gpu-01", capabilities: { vcpu: 16, memoryGiB: 64, gpuCount: 2, gpuModel: "A40", gpuMemoryGiB: 48, os: "linux", cpuArch: "x86_64" }, tags: ["render-gpu"], speed: { "render-gpu": 1, "render-cpu": 0.5 }, powerIdleW: 150, powerBusyW: 900 },
];

export const demoClients: ClientInput[] = [
  { id: "nebula", name: "Nebula Pictures (feature)", guaranteedShare: 0.5, maxShare: 1, cloudAllowed: true, cloudBudgetPerMonth: 300 },
  { id: "harbor", name: "Harbor Films (episodic)", guaranteedShare: 0.3, maxShare: 1, cloudAllowed: true, cloudBudgetPerMonth: 300 },
];

/**
 * Local mode's policy: leases long enough in farm time that a busy laptop never lets a live
 * agent's lease lapse (the demo clock runs ~60× real time), everything else as in AWS.
 */
export const localPolicy: Policy = withPolicy({ leaseSec: 15 * 60 });

/** Cloud offers as the capacity use case sees them, capped so a demo never boots a fleet. */
export function demoOffers(maxPerType = 3): CloudOffer[] {
  return bundledCloudOffers({
    region: "us-west-2",
    os: "linux",
    instanceTypes: ["c6i.8xlarge", "c7i.8xlarge", "g5.2xlarge"],
    speed: (_type, caps) => ({ "render-cpu": caps.vcpu / 32, sim: 0.5, "render-gpu": caps.gpuCount > 0 ? 1 : 0.1 }),
  }).map((o) => ({ ...o, maxInstances: Math.min(o.maxInstances, maxPerType) }));
}

/** Tariff slots from a little before `now` to a week after (refreshed on every start). */
export function farmSettings(now: number): FarmSettings {
  return {
    tariff: bundledTariff("sce-tou8", { from: now - 2 * hour, to: now + 7 * 24 * hour, timeZone }),
    cloudOffers: demoOffers(),
    policy: localPolicy,
  };
}

const blenderTemplate = () => readFileSync(new URL("./blender-render.template.yaml", import.meta.url), "utf8");

export interface DemoSubmission {
  client: string;
  body: Record<string, unknown>;
}

/** Where the OpenJD sample's frames land (its OutputDir parameter). */
export const openJdOutputDir = (outputsDir: string) => join(outputsDir, "openjd", "ep3_sh010");

/** The demo's jobs, due relative to the farm's clock `now`. */
export function demoJobs(now: number, outputsDir: string): DemoSubmission[] {
  const due = (ms: number) => new Date(now + ms).toISOString();
  return [
    {
      client: "nebula",
      body: { name: "sq040 lighting", frames: "1-24", secondsPerFrame: 120, priority: 60, deadline: due(3 * hour), preview: { previewFirst: true } },
    },
    {
      // 60 frames × 4 min on CPU due in 60 min: 240 reference minutes, and the on-prem machines render
      // CPU work at 3.6 reference boxes together (216 in the hour, GPU denoise and lighting beside it),
      // so only a burst keeps it.
      client: "harbor",
      body: {
        template: blenderTemplate(), parameters: { BlenderSceneFile: "scenes/ep3_sh010.blend", Frames: "1-60", Format: "PNG", OutputDir: openJdOutputDir(outputsDir) },
        name: "ep3 sh010 beauty (OpenJD)", priority: 50, deadline: due(60 * minute), kind: "render-cpu",
        // The frame's render time plus the session's per-task overhead (bash and the stand-in start each frame).
        secondsPerTask: dccSecondsPerFrame + 60,
      },
    },
    {
      client: "harbor",
      body: { name: "ep3 denoise (GPU)", frames: "1-16", secondsPerFrame: 90, priority: 40, deadline: due(2 * hour), kind: "render-gpu", requirements: { minGpuCount: 1 }, cloudAllowed: false },
    },
    {
      // Hungry and not urgent: planned into the 08:00 super-off-peak price.
      client: "nebula",
      body: { name: "sq050 fx sim (energy-intensive)", frames: "1-8", secondsPerFrame: 600, priority: 40, deadline: due(8 * hour), kind: "sim", requirements: { minMemoryGiB: 256 }, energyIntensive: true, cloudAllowed: false, preview: { previewFirst: false } },
    },
  ];
}
