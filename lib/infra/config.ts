/**
 * The stack's settings, from CDK context (`cdk.json` or `-c burstfarm:<key>=…`), with defaults
 * that synthesize offline with no account. Every key is validated here, once, with the key's
 * name in the error.
 *
 *   burstfarm:allowedInstanceTypes  comma-separated; the capacity guards refuse any other type
 *   burstfarm:vpcId, burstfarm:subnetIds   an existing VPC and its subnets for render nodes
 *                                   (default: a new VPC with public subnets, no NAT gateways)
 *   burstfarm:maxSpendPerHour       farm-wide ceiling on live cloud nodes' price per hour (default 50)
 *   burstfarm:maxInstances          farm-wide ceiling on live cloud instances (default 20)
 *   burstfarm:spotAllocation        price-capacity-optimized (default) | capacity-optimized
 *   burstfarm:tariffSource          where the planner's tariff comes from, e.g. `urdb:sce-tou8` (default)
 *   burstfarm:agentPackage          s3:// or https:// URL of the agent package the user data installs
 *                                   (default: `agent/burstfarm-agent.tgz` in the stack's artifacts bucket)
 *   burstfarm:alarmEmail            who gets the alarms (default: nobody; the topic still exists)
 *   burstfarm:rootVolumeGiB         render node root volume (default 200)
 */
export interface BurstfarmConfig {
  readonly allowedInstanceTypes: string[];
  readonly vpcId?: string;
  readonly subnetIds: string[];
  readonly maxSpendPerHour: number;
  readonly maxInstances: number;
  readonly spotAllocation: "price-capacity-optimized" | "capacity-optimized";
  readonly tariffSource: string;
  readonly agentPackage?: string;
  readonly alarmEmail?: string;
  readonly rootVolumeGiB: number;
}

export const defaultConfig: BurstfarmConfig = {
  // The bundled sample farm's offers (lib/local/sample-farm.ts): CPU render boxes and A10G GPUs.
  allowedInstanceTypes: ["c6i.8xlarge", "c7i.8xlarge", "m6i.8xlarge", "g5.2xlarge", "g5.4xlarge"],
  subnetIds: [],
  maxSpendPerHour: 50,
  maxInstances: 20,
  spotAllocation: "price-capacity-optimized",
  tariffSource: "urdb:sce-tou8",
  rootVolumeGiB: 200,
};

type Lookup = (key: string) => unknown;

export function configFromContext(get: Lookup): BurstfarmConfig {
  const str = (key: string): string | undefined => {
    const v = get(`burstfarm:${key}`);
    if (v === undefined || v === null || v === "") return undefined;
    if (typeof v !== "string" && typeof v !== "number") throw new Error(`burstfarm:${key} must be a string`);
    return String(v).trim();
  };
  const list = (key: string, fallback: string[]) => {
    const v = get(`burstfarm:${key}`);
    if (Array.isArray(v)) return v.map(String);
    const s = str(key);
    return s === undefined ? fallback : s.split(",").map((x) => x.trim()).filter(Boolean);
  };
  const positive = (key: string, fallback: number) => {
    const s = str(key);
    if (s === undefined) return fallback;
    const n = Number(s);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`burstfarm:${key} must be a positive number, got "${s}"`);
    return n;
  };
  const vpcId = str("vpcId");
  const subnetIds = list("subnetIds", []);
  if (vpcId && subnetIds.length === 0) throw new Error("burstfarm:subnetIds is required with burstfarm:vpcId");
  if (!vpcId && subnetIds.length > 0) throw new Error("burstfarm:vpcId is required with burstfarm:subnetIds");
  const allocation = str("spotAllocation") ?? defaultConfig.spotAllocation;
  if (allocation !== "price-capacity-optimized" && allocation !== "capacity-optimized") {
    throw new Error(`burstfarm:spotAllocation must be price-capacity-optimized or capacity-optimized, got "${allocation}"`);
  }
  const email = str("alarmEmail");
  if (email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw new Error(`burstfarm:alarmEmail is not an email address: "${email}"`);
  const agentPackage = str("agentPackage");
  if (agentPackage && !/^(s3|https):\/\/\S+$/.test(agentPackage)) throw new Error(`burstfarm:agentPackage must be an s3:// or https:// URL, got "${agentPackage}"`);
  const types = list("allowedInstanceTypes", defaultConfig.allowedInstanceTypes);
  for (const t of types) if (!/^[a-z0-9-]+\.[a-z0-9-]+$/.test(t)) throw new Error(`burstfarm:allowedInstanceTypes: "${t}" is not an instance type`);
  return {
    allowedInstanceTypes: types,
    ...(vpcId ? { vpcId } : {}),
    subnetIds,
    maxSpendPerHour: positive("maxSpendPerHour", defaultConfig.maxSpendPerHour),
    maxInstances: atLeastOne("maxInstances", Math.floor(positive("maxInstances", defaultConfig.maxInstances))),
    spotAllocation: allocation,
    tariffSource: str("tariffSource") ?? defaultConfig.tariffSource,
    ...(agentPackage ? { agentPackage } : {}),
    ...(email ? { alarmEmail: email } : {}),
    rootVolumeGiB: Math.floor(positive("rootVolumeGiB", defaultConfig.rootVolumeGiB)),
  };
}

/** A count the Lambdas read as a whole number ≥ 1 (lambdas/wire.ts fails a container on anything else). */
function atLeastOne(key: string, n: number): number {
  if (n < 1) throw new Error(`burstfarm:${key} must be at least 1`);
  return n;
}
