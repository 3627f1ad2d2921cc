import type { SlotPool } from "../matching/slot-pools.ts";
import type { Group } from "./groups.ts";
import type { LpReading } from "./read.ts";
import type { Resource } from "./resources.ts";
import type { SlotGrid } from "./slots.ts";

/** What of the LP's plan the room on its on-prem resources is read from. */
export interface RoomPlan {
  reading: Pick<LpReading, "onpremH">;
  resources: readonly Resource[];
  groups: readonly Pick<Group, "clientId">[];
  grid: Pick<SlotGrid, "startAt" | "count">;
}

/**
 * How much room the LP's plan leaves for a client on an on-prem pool: per slot, the slot-hours of
 * the pool's resource (ready and asleep nodes) the LP leaves idle or plans for that client, i.e.
 * all but what it plans for other clients ("idle only" when no client is named). The guarantee
 * rule (guarantee-rule.ts) moves work only into this room, so an exchange it makes keeps the plan's
 * deadlines; room handed out this cycle is spent, so two placements never count the same room.
 */
export class PlanRoom {
  private readonly resourceOf = new Map<number, Resource>();
  /** Node-hours of room per resource already promised to work that waited this cycle. */
  private readonly spent = new Map<Resource, number>();
  /** Slot-hours per resource and slot taken by tasks placed now ({@link spanOf}). */
  private readonly slotSpent = new Map<Resource, number[]>();
  private readonly roomMemo = new Map<string, number>();
  /** Per resource and client (or none), the slot-hours per slot the LP plans for other clients ({@link freeOn}). */
  private readonly othersMemo = new Map<Resource, Map<string | null, number[]>>();

  constructor(private readonly plan: RoomPlan) {
    for (const r of plan.resources) for (const c of r.classes) this.resourceOf.set(c.index, r);
  }

  /**
   * Whether `hours` of node time on `pool` fit, in slots 1 … before `dueSlot`, into room the plan
   * leaves idle or gives `clientId` (null: idle only), less room promised this cycle; if so, promises it.
   */
  waitInto(pool: SlotPool, clientId: string | null, dueSlot: number, hours: number): boolean {
    const r = this.resourceOf.get(pool.cls.index);
    if (!r) return false;
    const room = this.roomOn(r, clientId, dueSlot) - (this.spent.get(r) ?? 0);
    if (room < hours) return false;
    this.spent.set(r, (this.spent.get(r) ?? 0) + hours);
    return true;
  }

  /** Hours per slot a task of `clientId` taking `hours` from now takes on the pool's resource, or null where the plan has no room for them. */
  spanOf(clientId: string, pool: SlotPool, hours: number): number[] | null {
    const r = this.resourceOf.get(pool.cls.index);
    if (!r) return null;
    const { startAt, count } = this.plan.grid;
    const end = startAt[0]! + hours * 3600_000;
    let spent = this.slotSpent.get(r);
    if (!spent) this.slotSpent.set(r, (spent = new Array(count).fill(0)));
    const take: number[] = [];
    for (let t = 0; t < count && startAt[t]! < end; t++) {
      const overlap = (Math.min(end, startAt[t + 1]!) - startAt[t]!) / 3600_000;
      if (this.freeOn(r, clientId, t) - spent[t]! < overlap - 1e-9) return null;
      take[t] = overlap;
    }
    return take;
  }

  /** Counts a task placed where {@link spanOf} found room (`span`: its hours per slot). */
  took(pool: SlotPool, span: readonly number[]): void {
    const r = this.resourceOf.get(pool.cls.index);
    if (!r) return;
    const spent = this.slotSpent.get(r)!;
    span.forEach((h, t) => { spent[t]! += h; });
  }

  /** Slot-hours on `r` in slot `t` the LP leaves idle or plans for `clientId` (null: idle only). */
  private freeOn(r: Resource, clientId: string | null, t: number): number {
    return Math.max(0, r.readyHours[t]! + r.asleepHours[t]! - this.othersOn(r, clientId)[t]!);
  }

  /** Slot-hours per slot on `r` the LP plans for clients other than `clientId`, summed over the groups once per resource and client. */
  private othersOn(r: Resource, clientId: string | null): number[] {
    let byClient = this.othersMemo.get(r);
    if (!byClient) this.othersMemo.set(r, (byClient = new Map()));
    let others = byClient.get(clientId);
    if (others) return others;
    const { reading, groups, grid } = this.plan;
    const slots = Math.max(grid.count, r.readyHours.length);
    others = new Array<number>(slots).fill(0);
    groups.forEach((g, gi) => {
      if (g.clientId === clientId) return;
      const h = reading.onpremH[gi]!.get(r.index);
      for (let t = 0; t < slots; t++) others[t]! += h?.[t] ?? 0;
    });
    byClient.set(clientId, others);
    return others;
  }

  /** Node-hours on `r` in slots 1 … before `dueSlot` the LP leaves idle or plans for `clientId` (null: idle only). */
  private roomOn(r: Resource, clientId: string | null, dueSlot: number): number {
    const key = `${r.index}|${clientId === null ? "idle" : `for ${clientId}`}|${dueSlot}`;
    let room = this.roomMemo.get(key);
    if (room !== undefined) return room;
    room = 0;
    for (let t = 1; t < dueSlot && t < r.readyHours.length; t++) room += this.freeOn(r, clientId, t);
    this.roomMemo.set(key, room);
    return room;
  }
}
