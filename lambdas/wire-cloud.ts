/**
 * The cloud side of the wiring, built once per container for the capacity and cloud-events
 * Lambdas: the EC2 client, the EC2 CloudCapacity adapter and the guards' limits, from the
 * environment the stack sets (lib/infra, context-configured):
 *   LAUNCH_TEMPLATE_ID, LAUNCH_TEMPLATE_VERSION   the render nodes' launch template
 *   SUBNET_IDS                                     comma-separated subnets for the fleet overrides
 *   SPOT_ALLOCATION                                price-capacity-optimized (default) | capacity-optimized
 *   BURSTFARM_FARM_NAME                            tags and ClientTokens
 *   BURSTFARM_MAX_SPEND_PER_HOUR, BURSTFARM_MAX_INSTANCES, BURSTFARM_ALLOWED_TYPES (comma-separated)
 */
import { EC2Client } from "@aws-sdk/client-ec2";
import { Ec2CloudCapacity } from "../lib/adapters/aws/ec2-cloud-capacity.ts";
import type { CapacityLimits, CloudCapacity } from "../lib/service/capacity/index.ts";

export interface CloudWiring {
  cloud: CloudCapacity;
  limits: CapacityLimits;
  farm: string;
}

const list = (v: string | undefined) => (v ?? "").split(",").map((s) => s.trim()).filter(Boolean);

function positive(env: NodeJS.ProcessEnv, key: string): number {
  const n = Number(env[key]);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${key} must be a positive number (got ${JSON.stringify(env[key])})`);
  return n;
}

export function wireCloud(env: NodeJS.ProcessEnv, ec2 = new EC2Client({ region: env.AWS_REGION ?? "us-east-1" })): CloudWiring {
  const launchTemplateId = env.LAUNCH_TEMPLATE_ID;
  if (!launchTemplateId) throw new Error("LAUNCH_TEMPLATE_ID is not set");
  const allocation = env.SPOT_ALLOCATION === "capacity-optimized" ? "capacity-optimized" : "price-capacity-optimized";
  return {
    cloud: new Ec2CloudCapacity(ec2, {
      launchTemplateId, launchTemplateVersion: env.LAUNCH_TEMPLATE_VERSION ?? "$Latest", subnetIds: list(env.SUBNET_IDS), spotAllocation: allocation,
    }),
    limits: {
      maxSpendPerHour: positive(env, "BURSTFARM_MAX_SPEND_PER_HOUR"),
      maxInstances: positive(env, "BURSTFARM_MAX_INSTANCES"),
      allowedTypes: list(env.BURSTFARM_ALLOWED_TYPES),
    },
    farm: env.BURSTFARM_FARM_NAME ?? "burstfarm",
  };
}

let cached: CloudWiring | undefined;

export function wiredCloud(): CloudWiring {
  cached ??= wireCloud(process.env);
  return cached;
}
