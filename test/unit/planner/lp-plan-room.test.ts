/**
 * Room the LP's plan leaves for a client on an on-prem pool (lib/planner/lp/plan-room.ts): what it
 * leaves idle or plans for that client, not what it plans for others, less what this cycle promised.
 */
import { describe, expect, it } from "vitest";
import { aSnapshot, HOUR, nodes, T0 } from "../../builders/planner.ts";
import { buildPools } from "../../../lib/planner/matching/slot-pools.ts";
import { PlanRoom } from "../../../lib/planner/lp/plan-room.ts";
import { farm, resources } from "./lp-dispatch-fixture.ts";

/** Four nodes of one class in one-hour slots; A is planned `aPlanned` and B `bPlanned` node-hours per slot. */
function roomWith(aPlanned: number[], bPlanned: number[]) {
  const f = farm(aSnapshot({ nodes: nodes("n", 4) }), T0);
  const [pool] = buildPools(f.classes, f.now, f.policy.preassignWithinSec);
  const [r] = resources(f);
  Object.assign(r!, { readyHours: [4, 4, 4, 4], asleepHours: [0, 0, 0, 0] });
  const room = new PlanRoom({
    reading: { onpremH: [new Map([[0, aPlanned]]), new Map([[0, bPlanned]])] },
    resources: [r!],
    groups: [{ clientId: "A" }, { clientId: "B" }],
    grid: { startAt: [0, 1, 2, 3, 4].map((h) => T0 + h * HOUR), count: 4 },
  });
  return { room, pool: pool! };
}

describe("plan room before a due slot", () => {
  // Slots 1–2 (before due slot 3): B is planned 3 + 4 of 8 node-hours, A nothing: 1 idle, 7 for B.
  it("counts room the plan leaves idle or gives the named client, not what it gives others", () => {
    const idle = roomWith([0, 0, 0, 0], [0, 3, 4, 0]);
    expect(idle.room.waitInto(idle.pool, null, 3, 1.5)).toBe(false);
    const forB = roomWith([0, 0, 0, 0], [0, 3, 4, 0]);
    expect(forB.room.waitInto(forB.pool, "B", 3, 8)).toBe(true);
  });

  it("spends what it promises: the same idle hour is not promised twice", () => {
    const { room, pool } = roomWith([0, 0, 0, 0], [0, 3, 4, 0]);
    expect(room.waitInto(pool, null, 3, 1)).toBe(true);
    expect(room.waitInto(pool, null, 3, 0.5)).toBe(false);
  });
});

describe("plan room for a task placed now", () => {
  it("gives a task's hours per slot where the plan leaves room for its client", () => {
    const { room, pool } = roomWith([0, 0, 0, 0], [4, 0, 0, 0]);
    expect(room.spanOf("B", pool, 1.5)).toEqual([1, 0.5]);
  });

  it("finds no room in a slot the plan fills with another client's work", () => {
    const { room, pool } = roomWith([0, 0, 0, 0], [4, 0, 0, 0]);
    expect(room.spanOf("A", pool, 1.5)).toBeNull();
  });

  it("counts what placed tasks took", () => {
    const { room, pool } = roomWith([3, 0, 0, 0], [0, 0, 0, 0]);
    const span = room.spanOf("B", pool, 1)!;
    room.took(pool, span);
    expect(room.spanOf("B", pool, 1)).toBeNull();
    expect(room.spanOf("A", pool, 1)).toEqual([1]);
  });
});
