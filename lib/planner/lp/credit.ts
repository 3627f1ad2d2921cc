import type { Group } from "./groups.ts";
import { type SlotGrid, slotOf } from "./slots.ts";

/**
 * Completion credit: work counts toward a deadline when its task ends, not when it starts. A
 * task the LP starts in slot t on hardware of speed s ends about `taskH / s` hours after the
 * slot's start, so its work enters the group's done-so-far from the slot holding that instant
 * (never before t). Without it, a fluid LP counts the last task on a half-speed rented node as
 * done within the slot it starts in, and the job misses by that task's length (delivery-burst).
 */
export function creditSlot(grid: SlotGrid, t: number, g: Group, speed: number): number {
  const endsAt = grid.startAt[t]! + (g.taskH / Math.max(1e-6, speed)) * 3600_000;
  return Math.min(grid.count - 1, Math.max(t, slotOf(grid, endsAt - 1)));
}

/** Last slot any of the group's work started by slot `end` is credited in (its slowest hardware). */
export function creditEnd(grid: SlotGrid, g: Group, end: number, speeds: readonly number[]): number {
  const slowest = speeds.length === 0 ? 1 : Math.min(...speeds);
  return creditSlot(grid, end, g, slowest);
}
