/**
 * A compact way to write a scenario: a table of jobs (hours relative to the start) on the
 * default farm, SCE TOU-8 tariff, Spot Advisor cloud offers, planning every minute and 5 s
 * after events. Each scenario overrides only what it is about.
 */
import type { Client } from "../../planner/index.ts";
import type { FaultModel, Scenario, SimEvent, SimJobSpec, SimNodeSpec } from "../types.ts";
import { HOUR, MILD_FAULTS, START, cloudOffers, farm, renderJob, renderLogMultipliers, touTariff, type JobOpts } from "./farm.ts";

/** [id, client, kind, tasks, taskSec, submitH, dueH | null, priority, cloud, extra?] */
export type JobRow = [string, string, string, number, number, number, number | null, number, boolean, Partial<JobOpts>?];

export interface ScenarioSpec {
  name: string;
  description: string;
  hours: number;
  clients: Client[];
  jobs: JobRow[];
  nodes?: SimNodeSpec[];
  events?: SimEvent[];
  faults?: FaultModel;
  tariff?: "tou" | Scenario["tariff"];
  cloud?: boolean;
  seed?: number;
  /** Draw frame times from the Deadline Cloud log instead of a lognormal. */
  realFrameTimes?: boolean;
}

export function at(hours: number): number {
  return START + Math.round(hours * HOUR);
}

export function defineScenario(s: ScenarioSpec): Scenario {
  const endAt = at(s.hours);
  const samples = s.realFrameTimes ? renderLogMultipliers() : undefined;
  const jobs: SimJobSpec[] = s.jobs.map(([id, client, kind, tasks, taskSec, submitH, dueH, priority, cloud, extra]) => ({
    job: renderJob(id, { client, kind, tasks, taskSec, submitAt: at(submitH), due: dueH === null ? null : at(dueH), priority, cloud, ...extra }),
    submitAt: at(submitH),
    ...(samples ? { runtimeSamples: samples } : {}),
  }));
  const tariff = s.tariff === undefined || s.tariff === "tou" ? touTariff(START, endAt) : s.tariff;
  return {
    name: s.name, description: s.description, seed: s.seed ?? 20240708, startAt: START, endAt,
    nodes: s.nodes ?? farm({ cpu: 16, xcpu: 4, gpu: 6 }), clients: s.clients,
    cloudOffers: s.cloud === false ? [] : cloudOffers(), tariff, jobs, events: s.events ?? [],
    faults: s.faults ?? MILD_FAULTS, planIntervalSec: 60, replanDelaySec: 5,
    sources: [
      "tariff: SCE TOU-8 Option D (OpenEI URDB) unless stated",
      "cloud: AWS Spot Instance Advisor (us-east-1, linux) with the bundled on-demand price model",
      ...(samples ? ["frame times: AWS Deadline Cloud sample render log (150 Blender frames)"] : []),
    ],
  };
}
