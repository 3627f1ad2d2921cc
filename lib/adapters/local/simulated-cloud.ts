/**
 * A simulated cloud implementing the same CloudCapacity port as EC2, for the local farm and the
 * tests. It keeps EC2's contract where it matters to the use case:
 * - a token launched twice returns the first result (ClientToken idempotency);
 * - a type out of capacity reports `InsufficientInstanceCapacity`, a fleet can be partial;
 * - an instance "boots" after its offer's `bootSec`, then the injected `bootAgent(instance,
 *   credential)` runs its agent (lib/local decides how: in-process, a child process, …) with a
 *   node credential from the injected issuer ([S]'s NodeCredentials port);
 * - it bills each instance at the offer's price from launch to termination (`bill`);
 * - `notify` injects a spot interruption warning or a rebalance recommendation, delivered to the
 *   injected `onNotice` (the service's handleCloudNotice) as EventBridge would, and an
 *   interrupted spot instance is terminated when its two minutes are up.
 * Time comes from the injected clock and `schedule`, so tests drive it by hand.
 */
import type { CloudOffer } from "../../planner/index.ts";
import { RetryableError } from "../../service/errors.ts";
import type {
  CloudCapacity, CloudInstance, InstanceState, LaunchError, LaunchResult, LaunchSpec, Market,
} from "../../service/capacity/cloud-capacity.ts";
import type { CloudNotice } from "../../service/capacity/cloud-notice.ts";
import type { Clock } from "../../service/ports.ts";

export interface SimulatedInstance {
  instanceId: string;
  instanceType: string;
  market: Market;
  pricePerHour: number;
  launchedAt: number;
  readyAt: number;
  terminatedAt?: number;
  state: InstanceState;
  tags: LaunchSpec["tags"];
}

export interface NodeCredential {
  token: string;
  expiresAt: number;
}

export interface SimulatedCloudOptions {
  clock: Clock;
  /** The farm's offers (boot latency, prices), read at each launch. */
  offers: () => Promise<readonly CloudOffer[]> | readonly CloudOffer[];
  /** Runs the booted instance's agent. */
  bootAgent: (instance: SimulatedInstance, credential: NodeCredential | null) => Promise<void> | void;
  /** Issues the node credential the booted agent uses (none: the agent gets null). */
  issueCredential?: (nodeId: string, now: number) => Promise<NodeCredential>;
  /** Stops the agent of a terminated instance. */
  stopAgent?: (instance: SimulatedInstance) => Promise<void> | void;
  /** Where cloud notices go (the service's handleCloudNotice in the local farm). */
  onNotice?: (notice: CloudNotice) => Promise<unknown>;
  /** Run `fn` at instant `at` (default: a timer against the clock). */
  schedule?: (at: number, fn: () => Promise<void> | void) => void;
  /** Instances available per type (default: unlimited), to inject capacity errors. */
  capacity?: Record<string, number>;
  /** Seconds between an interruption warning and the termination (EC2: 120). */
  interruptionNoticeSec?: number;
  /** Hex digits after "i-" (default "0"); a farm that restarts passes a new one so ids never repeat. */
  idPrefix?: string;
  /** A boot or termination that threw (default: console.error). */
  onError?: (err: unknown) => void;
}

export class SimulatedCloud implements CloudCapacity {
  readonly instances = new Map<string, SimulatedInstance>();
  /** Every launch call, as EC2 would have received it (tests assert on them). */
  readonly launches: LaunchSpec[] = [];
  private readonly byToken = new Map<string, LaunchResult>();
  private readonly schedule: (at: number, fn: () => Promise<void> | void) => void;
  private readonly pending = new Set<Promise<unknown>>();
  private throttleNext = 0;
  private seq = 0;

  private readonly idPrefix: string;

  constructor(private readonly o: SimulatedCloudOptions) {
    this.idPrefix = o.idPrefix ?? "0";
    if (!/^[0-9a-f]{1,8}$/.test(this.idPrefix)) throw new Error(`idPrefix: 1-8 hex digits, got "${this.idPrefix}"`);
    this.schedule = o.schedule ?? ((at, fn) => { setTimeout(() => void this.track(fn()), Math.max(0, at - o.clock.now())).unref?.(); });
  }

  async launch(spec: LaunchSpec): Promise<LaunchResult> {
    this.launches.push(spec);
    if (this.throttleNext > 0) { this.throttleNext--; throw new RetryableError("simulated cloud: RequestLimitExceeded"); }
    const known = this.byToken.get(spec.token);
    if (known) return known;
    const offers = await this.o.offers();
    const now = this.o.clock.now();
    const launched: SimulatedInstance[] = [];
    const errors: LaunchError[] = [];
    for (const [market, count] of [["on-demand", spec.onDemandCount], ["spot", spec.spotCount]] as const) {
      let left = count;
      for (const type of spec.instanceTypes) {
        const offer = offers.find((x) => x.instanceType === type);
        if (left === 0 || !offer) continue;
        const room = Math.min(left, this.room(type));
        if (room < left) errors.push({ code: "InsufficientInstanceCapacity", message: `simulated: no ${market} capacity for ${type}`, instanceType: type });
        for (let k = 0; k < room; k++) launched.push(this.start(offer, market, spec, now));
        left -= room;
      }
    }
    const result: LaunchResult = {
      launched: launched.map((i) => ({ instanceId: i.instanceId, instanceType: i.instanceType, market: i.market, placement: "sim-zone-a" })),
      errors,
    };
    this.byToken.set(spec.token, result);
    return result;
  }

  async terminate(instanceIds: string[]): Promise<void> {
    const now = this.o.clock.now();
    for (const id of instanceIds) {
      const i = this.instances.get(id);
      if (!i || i.state === "terminated") continue;
      i.state = "terminated";
      i.terminatedAt = now;
      await this.o.stopAgent?.(i);
    }
  }

  async describe(instanceIds: string[]): Promise<CloudInstance[]> {
    return instanceIds.flatMap((id) => {
      const i = this.instances.get(id);
      return i ? [{ instanceId: i.instanceId, instanceType: i.instanceType, state: i.state, market: i.market }] : [];
    });
  }

  /** EC2 would send this notice now; an interrupted instance is gone after the notice period. */
  async notify(instanceId: string, kind: CloudNotice["kind"]): Promise<void> {
    const i = this.instances.get(instanceId);
    if (!i || i.state === "terminated") return;
    const now = this.o.clock.now();
    await this.o.onNotice?.({ instanceId, kind, at: now });
    if (kind === "interruption") this.schedule(now + (this.o.interruptionNoticeSec ?? 120) * 1000, () => this.terminate([instanceId]));
  }

  /** The next `n` launch calls are throttled (RetryableError), as EC2's RequestLimitExceeded. */
  throttle(n: number): void {
    this.throttleNext = n;
  }

  /** What the instances cost so far: each offer's price from launch to termination (or now). */
  bill(now = this.o.clock.now()): number {
    let total = 0;
    for (const i of this.instances.values()) total += (i.pricePerHour * ((i.terminatedAt ?? now) - i.launchedAt)) / 3_600_000;
    return total;
  }

  /** Resolves when every boot and termination started so far has finished. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private room(type: string): number {
    const cap = this.o.capacity?.[type];
    if (cap === undefined) return Infinity;
    const used = [...this.instances.values()].filter((i) => i.instanceType === type && i.state !== "terminated").length;
    return Math.max(0, cap - used);
  }

  private start(offer: CloudOffer, market: Market, spec: LaunchSpec, now: number): SimulatedInstance {
    const i: SimulatedInstance = {
      // 17 hex digits, shaped like EC2's (the API checks that shape on cloud sessions).
      instanceId: `i-${this.idPrefix}${String(++this.seq).padStart(17 - this.idPrefix.length, "0")}`, instanceType: offer.instanceType, market,
      pricePerHour: market === "spot" ? offer.spotPricePerHour : offer.onDemandPricePerHour,
      launchedAt: now, readyAt: now + offer.bootSec * 1000, state: "pending", tags: spec.tags,
    };
    this.instances.set(i.instanceId, i);
    this.schedule(i.readyAt, () => this.boot(i));
    return i;
  }

  private async boot(i: SimulatedInstance): Promise<void> {
    if (i.state !== "pending") return;
    i.state = "running";
    const credential = this.o.issueCredential ? await this.o.issueCredential(i.instanceId, this.o.clock.now()) : null;
    await this.o.bootAgent(i, credential);
  }

  private track(p: Promise<void> | void): void {
    if (!p) return;
    const q = p.catch((err: unknown) => (this.o.onError ?? console.error)(err)).finally(() => this.pending.delete(q));
    this.pending.add(q);
  }
}
