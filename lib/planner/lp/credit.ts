import type { Group } from "./groups.ts";
import { SLOT_CLOCK_MS, type SlotGrid, slotOf } from "./slots.ts";

/**
 * Completion credit: work counts toward a deadline when its task ends, not when it starts. A
 * task the LP starts in slot t on hardware of speed s ends about `taskH / s` hours after the
 * slot's start, so its work enters the group's done-so-far from the slot holding that instant
 * (never before t). Without it, a fluid LP counts the last task on a half-speed rented node as
 * done within the slot it starts in, and the job misses by that task's length (delivery-burst).
 */
export function creditSlot(grid: SlotGrid, t: number, g: Group, speed: number): number {
  // Slot 0 counts from its clock edge, not from now: the LP keeps its shape through the slot's five
  // minutes, so the plan of record can be replayed (at most 5 minutes early, inside the deadline margin).
  const startAt = t === 0 ? grid.startAt[1]! - SLOT_CLOCK_MS : grid.startAt[t]!;
  const endsAt = startAt + (g.taskH / Math.max(1e-6, speed)) * 3600_000;
  return Math.min(grid.count - 1, Math.max(t, slotOf(grid, endsAt - 1)));
}

/** Last slot any of the group's work started by slot `end` is credited in (its slowest hardware). */
export function creditEnd(grid: SlotGrid, g: Group, end: number, speeds: readonly number[]): number {
  const slowest = speeds.length === 0 ? 1 : Math.min(...speeds);
  return creditSlot(grid, end, g, slowest);
}
