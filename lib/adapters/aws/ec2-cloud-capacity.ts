/**
 * The EC2 implementation of the CloudCapacity port. The client is passed in (lambdas/wire-cloud.ts).
 *
 * Faults, and what becomes of them:
 * - throttling (`RequestLimitExceeded`) or a timeout thrown by the call: back off and resend
 *   with the SAME ClientToken — if the first call did launch, EC2 answers with that fleet, so a
 *   retry never doubles capacity; still failing after `maxAttempts`: RetryableError (the request
 *   stays pending, the next run resends the same token);
 * - throttling reported inside the reply with nothing launched: back off and resend under a
 *   fresh suffix (an instant fleet's reply is final for its token, and nothing launched under it);
 * - capacity errors (`InsufficientInstanceCapacity`, `SpotMaxPriceTooLow`, …) and partial
 *   fulfilment: returned as the result; the use case tries the next types for the rest.
 */
import {
  CreateFleetCommand, DescribeInstancesCommand, TerminateInstancesCommand, type EC2Client,
} from "@aws-sdk/client-ec2";
import { RetryableError, ServiceError } from "../../service/errors.ts";
import {
  throttleErrorCodes, type CloudCapacity, type CloudInstance, type InstanceState, type LaunchResult, type LaunchSpec,
} from "../../service/capacity/cloud-capacity.ts";
import { createFleetInput, fleetResult, type FleetTemplate } from "./ec2-fleet-request.ts";

export interface Ec2CapacityOptions extends FleetTemplate {
  /** Attempts per call before giving up with RetryableError. Default 4. */
  maxAttempts?: number;
  /** First backoff, doubled per attempt (with jitter from `random`). Default 500 ms. */
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

const transientNames = new Set([...throttleErrorCodes, "TimeoutError", "RequestTimeout", "RequestTimeoutException", "ServiceUnavailable", "Unavailable", "InternalError", "ECONNRESET", "ETIMEDOUT"]);

export function isTransient(err: unknown): boolean {
  const e = err as { name?: string; code?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  return transientNames.has(e.name ?? "") || transientNames.has(e.code ?? "") || e.$retryable !== undefined || (e.$metadata?.httpStatusCode ?? 0) >= 500;
}

const sdkName = (err: unknown): string => ((err as { cause?: Error }).cause ?? (err as Error)).name;

export class Ec2CloudCapacity implements CloudCapacity {
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly ec2: EC2Client, private readonly o: Ec2CapacityOptions) {
    this.maxAttempts = o.maxAttempts ?? 4;
    this.baseDelayMs = o.baseDelayMs ?? 500;
    this.sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = o.random ?? Math.random;
  }

  async launch(spec: LaunchSpec): Promise<LaunchResult> {
    let suffix = 0;
    for (let attempt = 1; ; attempt++) {
      const token = suffix === 0 ? spec.token : `${spec.token}-t${suffix}`;
      const result = fleetResult(await this.call("CreateFleet", () => this.ec2.send(new CreateFleetCommand(createFleetInput(spec, this.o, token)))));
      const throttled = result.launched.length === 0 && result.errors.length > 0 && result.errors.every((e) => throttleErrorCodes.includes(e.code));
      if (!throttled) return result;
      if (attempt >= this.maxAttempts) throw new RetryableError(`CreateFleet throttled ${attempt} times (${result.errors[0]!.code})`);
      suffix++;
      await this.backoff(attempt);
    }
  }

  async terminate(instanceIds: string[]): Promise<void> {
    for (let i = 0; i < instanceIds.length; i += 1000) {
      const batch = instanceIds.slice(i, i + 1000);
      try {
        await this.call("TerminateInstances", () => this.ec2.send(new TerminateInstancesCommand({ InstanceIds: batch })));
      } catch (err) {
        // Already gone (or never existed): terminating is idempotent, so end the rest one by one.
        if (sdkName(err) !== "InvalidInstanceID.NotFound") throw err;
        if (batch.length > 1) for (const id of batch) await this.terminate([id]);
      }
    }
  }

  async describe(instanceIds: string[]): Promise<CloudInstance[]> {
    const out: CloudInstance[] = [];
    // A filter, not InstanceIds: an id EC2 does not know yet (eventual consistency right after a
    // launch) or any more is simply absent instead of failing the whole call.
    for (let i = 0; i < instanceIds.length; i += 200) {
      const ids = instanceIds.slice(i, i + 200);
      let token: string | undefined;
      do {
        const page = await this.call("DescribeInstances", () => this.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: "instance-id", Values: ids }], ...(token ? { NextToken: token } : {}) })));
        for (const r of page?.Reservations ?? []) for (const x of r.Instances ?? []) {
          out.push({
            instanceId: x.InstanceId ?? "", instanceType: String(x.InstanceType ?? ""), state: (x.State?.Name ?? "pending") as InstanceState,
            market: x.InstanceLifecycle === "spot" ? "spot" : "on-demand",
          });
        }
        token = page?.NextToken;
      } while (token);
    }
    return out;
  }

  /** One API call with backoff on transient faults; the thunk resends the identical request. */
  private async call<T>(what: string, send: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await send();
      } catch (err) {
        if (!isTransient(err)) throw new ServiceError(`${what} failed: ${(err as Error).name}: ${(err as Error).message}`, { cause: err });
        if (attempt >= this.maxAttempts) throw new RetryableError(`${what}: ${(err as Error).name} after ${attempt} attempts`, { cause: err });
        await this.backoff(attempt);
      }
    }
  }

  private backoff(attempt: number): Promise<void> {
    // Full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter").
    return this.sleep(Math.round(this.baseDelayMs * 2 ** (attempt - 1) * (0.5 + this.random() / 2)));
  }
}
