/**
 * The exact CreateFleet request for a launch spec, and its reply read back as a LaunchResult.
 * Pure, so the tests can pin the input the adapter sends (aws-sdk-client-mock asserts it).
 *
 * - `instant` fleet: one synchronous call, no fleet left behind to manage.
 * - The stack's launch template (AMI, instance profile, IMDSv2, encrypted volumes, user data)
 *   with one override per instance type × subnet, so EC2 can pick any pool that has capacity.
 * - Spot: `price-capacity-optimized` (the lowest-priced pools among those least likely to be
 *   interrupted — AWS's recommendation). On-demand only for the count the plan asked for, in
 *   the order given (`prioritized`: the first type is the least cost per throughput).
 * - Tags on instances (and the fleet) for cost allocation: farm, client, jobs, request.
 */
import type { _InstanceType, CreateFleetCommandInput, CreateFleetCommandOutput, Tag } from "@aws-sdk/client-ec2";
import type { LaunchError, LaunchResult, LaunchSpec, Market } from "../../service/capacity/cloud-capacity.ts";

export interface FleetTemplate {
  launchTemplateId: string;
  /** Default `$Latest`; the stack pins its template's version. */
  launchTemplateVersion?: string;
  subnetIds: string[];
  /** `price-capacity-optimized` (default) or `capacity-optimized`. */
  spotAllocation?: "price-capacity-optimized" | "capacity-optimized";
}

export const tagKeys = { farm: "burstfarm:farm", client: "burstfarm:client", jobs: "burstfarm:jobs", request: "burstfarm:request" } as const;

export function fleetTags(spec: LaunchSpec): Tag[] {
  // A tag value holds at most 256 characters; the request key finds the full job list.
  const jobs = spec.tags.jobs.join(" ");
  return [
    { Key: tagKeys.farm, Value: spec.tags.farm },
    { Key: tagKeys.client, Value: spec.tags.client },
    { Key: tagKeys.jobs, Value: jobs.length <= 256 ? jobs : `${jobs.slice(0, 252)} …` },
    { Key: tagKeys.request, Value: spec.tags.request },
    { Key: "Name", Value: `burstfarm-${spec.tags.client}` },
  ];
}

export function createFleetInput(spec: LaunchSpec, t: FleetTemplate, token = spec.token): CreateFleetCommandInput {
  const total = spec.spotCount + spec.onDemandCount;
  const subnets = t.subnetIds.length > 0 ? t.subnetIds : [undefined];
  const tags = fleetTags(spec);
  return {
    ClientToken: token,
    Type: "instant",
    LaunchTemplateConfigs: [{
      LaunchTemplateSpecification: { LaunchTemplateId: t.launchTemplateId, Version: t.launchTemplateVersion ?? "$Latest" },
      Overrides: spec.instanceTypes.flatMap((type, priority) => subnets.map((subnet) => ({
        // The farm's offers name the types; EC2 rejects a type it does not know.
        InstanceType: type as _InstanceType,
        ...(subnet ? { SubnetId: subnet } : {}),
        ...(spec.onDemandCount > 0 ? { Priority: priority } : {}),
      }))),
    }],
    TargetCapacitySpecification: {
      TotalTargetCapacity: total,
      DefaultTargetCapacityType: spec.spotCount > 0 ? "spot" : "on-demand",
      ...(spec.spotCount > 0 ? { SpotTargetCapacity: spec.spotCount } : {}),
      ...(spec.onDemandCount > 0 ? { OnDemandTargetCapacity: spec.onDemandCount } : {}),
    },
    ...(spec.spotCount > 0 ? { SpotOptions: { AllocationStrategy: t.spotAllocation ?? "price-capacity-optimized" } } : {}),
    ...(spec.onDemandCount > 0 ? { OnDemandOptions: { AllocationStrategy: "prioritized" } } : {}),
    // An instant fleet tags its instances and itself; volumes get the farm tag from the launch template.
    TagSpecifications: [{ ResourceType: "instance", Tags: tags }, { ResourceType: "fleet", Tags: tags }],
  };
}

export function fleetResult(out: Pick<CreateFleetCommandOutput, "Instances" | "Errors">): LaunchResult {
  const launched = (out.Instances ?? []).flatMap((i) => (i.InstanceIds ?? []).map((id) => ({
    instanceId: id,
    instanceType: String(i.InstanceType ?? i.LaunchTemplateAndOverrides?.Overrides?.InstanceType ?? "unknown"),
    market: (i.Lifecycle === "spot" ? "spot" : "on-demand") as Market,
    ...(i.LaunchTemplateAndOverrides?.Overrides?.SubnetId ? { placement: i.LaunchTemplateAndOverrides.Overrides.SubnetId } : {}),
  })));
  const errors: LaunchError[] = (out.Errors ?? []).map((e) => ({
    code: e.ErrorCode ?? "Unknown",
    message: e.ErrorMessage ?? "",
    ...(e.LaunchTemplateAndOverrides?.Overrides?.InstanceType ? { instanceType: String(e.LaunchTemplateAndOverrides.Overrides.InstanceType) } : {}),
  }));
  return { launched, errors };
}
