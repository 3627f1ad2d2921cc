/**
 * The local farm's cloud: the simulated-cloud adapter of the CloudCapacity port behind the very
 * capacity Lambda of the stack (lambdas/capacity.ts), fed by its trigger queue, which the planner
 * writes to after every cycle — as in AWS. A launched instance
 * "boots" after its offer's boot latency, on the farm clock, and then runs a local agent with the
 * node token issued for it; terminating the instance stops that agent. It bills each offer's price.
 */
import { SimulatedCloud, type SimulatedInstance } from "../adapters/local/simulated-cloud.ts";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { createCapacity } from "../../lambdas/capacity.ts";
import type { Wired } from "../../lambdas/wire.ts";
import { handleCloudNotice, type CapacityLimits } from "../service/capacity/index.ts";
import type { ServiceDeps } from "../service/index.ts";
import type { AgentLaunch, RunningAgent } from "./agent-host.ts";
import type { LocalNodeSpec } from "./demo/demo-farm.ts";
import type { FarmClock } from "./farm-clock.ts";
import { startEventSource, type EventSource } from "./event-source.ts";

/** A demo never rents more than this: a handful of nodes, a few dollars an hour. */
export const localLimits: CapacityLimits = { maxSpendPerHour: 10, maxInstances: 4, allowedTypes: [] };

export interface LocalCloudOptions {
  wired: Wired;
  sqs: SQSClient;
  /** The capacity trigger queue (the stack's `burstfarm-capacity`). */
  queueUrl: string;
  clock: FarmClock;
  startAgent: (spec: LocalNodeSpec, credential: AgentLaunch["credential"]) => RunningAgent;
  stopAgent: (nodeId: string) => Promise<void>;
  onError: (name: string, err: unknown) => void;
  /** The capacity guards' farm ceiling (default `localLimits`). */
  limits?: CapacityLimits;
  /** Instance ids begin with this (unique per farm start, so a resumed farm never reuses one). */
  idPrefix: string;
}

export interface LocalCloud {
  readonly cloud: SimulatedCloud;
  stop(): Promise<void>;
}

export function startLocalCloud(o: LocalCloudOptions): LocalCloud {
  const deps: ServiceDeps = o.wired.deps;
  const cloud = new SimulatedCloud({
    clock: o.clock, idPrefix: o.idPrefix,
    offers: async () => (await deps.plans.settings()).cloudOffers,
    schedule: (at, fn) => { setTimeout(() => void Promise.resolve(fn()).catch((e: unknown) => o.onError("simulated-cloud", e)), Math.max(0, o.clock.realMs(at - o.clock.now()))).unref(); },
    ...(deps.credentials ? { issueCredential: (nodeId: string, now: number) => deps.credentials!.issue(nodeId, now) } : {}),
    bootAgent: async (instance, credential) => {
      if (!credential) throw new Error(`no node token for ${instance.instanceId}: agent tokens are not configured`);
      const offer = (await deps.plans.settings()).cloudOffers.find((x) => x.instanceType === instance.instanceType);
      o.startAgent(cloudNodeSpec(instance, offer?.capabilities, offer?.speed), credential);
    },
    stopAgent: (instance) => o.stopAgent(instance.instanceId),
    onNotice: (notice) => handleCloudNotice(deps, notice, { kind: "system", component: "cloud-events" }),
    onError: (err) => o.onError("simulated-cloud", err),
  });
  const source: EventSource = startEventSource({
    sqs: o.sqs, queueUrl: o.queueUrl, name: "capacity", batchSize: 10, onError: o.onError,
    handler: createCapacity(o.wired, { cloud, limits: o.limits ?? localLimits, farm: "local" }),
  });
  return { cloud, stop: () => source.stop() };
}

function cloudNodeSpec(i: SimulatedInstance, caps: LocalNodeSpec["capabilities"] | undefined, speed: Record<string, number> | undefined): LocalNodeSpec {
  return {
    nodeId: i.instanceId,
    capabilities: caps ?? { vcpu: 32, memoryGiB: 64, gpuCount: 0, os: "linux", cpuArch: "x86_64" },
    tags: ["cloud", i.market, i.instanceType], speed: speed ?? {}, powerIdleW: 0, powerBusyW: 0,
  };
}
