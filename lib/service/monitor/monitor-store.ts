/**
 * What the web monitor reads beyond the job, node and client records: what each job has cost so
 * far, the frames succeeded tasks wrote, and a sample of the farm per planning cycle (utilization over time, power draw against
 * the tariff, each client's share). Optional on ServiceDeps: without it the monitor shows no
 * history and no per-job cost, and nothing else changes.
 */
import type { ClientShare } from "../../planner/index.ts";
import type { TaskOutputsStore } from "./task-outputs.ts";

export interface JobCost {
  jobId: string;
  clientId: string;
  cloudCost: number;
  energyCost: number;
  energyKWh: number;
  nodeHours: number;
}

/** One planning cycle's picture of the farm. */
export interface FarmSample {
  at: number;
  usableSlots: number;
  busySlots: number;
  nodes: { onprem: number; cloud: number; offline: number };
  /** Farm power draw estimate (busy and idle nodes' rated watts), kW. */
  powerKW: number;
  /** Energy price in force at `at` (tariff currency per kWh), null without a tariff. */
  pricePerKWh: number | null;
  /** Cloud nodes' summed hourly price: what bursting costs per hour right now. */
  cloudPerHour: number;
  shares: ClientShare[];
}

/** Also the frames succeeded tasks wrote (task-outputs.ts). */
export interface MonitorStore extends TaskOutputsStore {
  /** Adds one accepted attempt's cost (called once per accepted settle, so never double-counted). */
  addJobCost(cost: JobCost): Promise<void>;
  jobCosts(jobIds: readonly string[]): Promise<JobCost[]>;
  recordSample(sample: FarmSample): Promise<void>;
  /** Oldest first, within [from, to]. */
  samples(from: number, to: number): Promise<FarmSample[]>;
}
