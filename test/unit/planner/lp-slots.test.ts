/**
 * The LP's time grid (lib/planner/lp/slots.ts): effective deadlines become slot edges, at most a
 * few; those left out are due at the nearest edge below them, so the ones kept are those whose
 * absence would move deadlines most (pickDeadlineEdges), not an even pick.
 */
import { describe, expect, it } from "vitest";
import { pickDeadlineEdges, slotGrid } from "../../../lib/planner/lp/slots.ts";
import { HOUR, T0 } from "../../builders/planner.ts";

const MIN = 60_000;

/** How far the grid moves `dueAt` early: to the last edge at or before it. */
const earlyBy = (edges: readonly number[], dueAt: number) => dueAt - Math.max(...edges.filter((e) => e <= dueAt));

describe("the LP's deadline edges", () => {
  // Seven deliveries an hour apart from 06:00, each with three kinds whose margins differ by minutes
  // (peak-exhaustion's shape): 21 effective deadlines for at most 10 edges.
  const dueAts = [6, 7, 8, 9, 10, 11, 12].flatMap((h) => [35, 25, 15].map((m) => T0 + h * HOUR - m * MIN));

  it("keeps every deadline within minutes of its own time when edges run short", () => {
    const grid = slotGrid(T0, T0 + 12 * HOUR, dueAts);
    // An even pick kept one edge of a delivery's three at random and moved whole deliveries up to an hour early.
    for (const d of dueAts) expect(earlyBy(grid.startAt, d)).toBeLessThanOrEqual(20 * MIN);
  });

  it("drops first the edges nearest the edge below them", () => {
    const base = [T0, T0 + 4 * HOUR, T0 + 6 * HOUR];
    // 05:00 and 05:05 are five minutes apart; 04:05 is five minutes past a base edge; 05:40 is far from any.
    const due = [T0 + 4 * HOUR + 5 * MIN, T0 + 5 * HOUR, T0 + 5 * HOUR + 5 * MIN, T0 + 5 * HOUR + 40 * MIN];
    expect(pickDeadlineEdges(due, base, 2)).toEqual([T0 + 5 * HOUR, T0 + 5 * HOUR + 40 * MIN]);
    expect(pickDeadlineEdges(due, base, 4)).toEqual(due);
  });
});
