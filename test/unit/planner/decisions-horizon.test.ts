/**
 * A job that cannot finish within the planning horizon is at risk without a made-up date: the
 * projections say "never" with Infinity (LP) or Number.MAX_SAFE_INTEGER (greedy projection),
 * which once read "projected NaN-NaN NaN:NaN UTC".
 */
import { describe, expect, it } from "vitest";
import { decideJob } from "../../../lib/planner/decisions.ts";
import { aJob, aSnapshot, HOUR, nodes, T0 } from "../../builders/planner.ts";
import { farm } from "./lp-dispatch-fixture.ts";

describe("decision text when a job cannot finish within the horizon", () => {
  const f = farm(aSnapshot({ nodes: nodes("n", 1), jobs: [aJob("big").due(T0 + 2 * HOUR).tasks(500, 3600).noCloud().build()] }), T0);
  const decide = (finishAt: number) => decideJob({
    s: f.states.get("big")!, facts: { id: "big", priority: 50, submittedAt: T0, deadlineAt: T0 + 2 * HOUR, slackSec: -1e6 }, rank: 0, placed: 0,
    deferral: undefined, capped: false, clientMax: 1, projection: { finishAt, deficitSec: 0, startAt: T0 }, burstReason: undefined, cloudRefused: undefined, cloudOk: false, now: T0,
  });

  it.each([["Infinity", Infinity], ["Number.MAX_SAFE_INTEGER", Number.MAX_SAFE_INTEGER]])("says so in words for %s, with no projected date", (_, finishAt) => {
    const d = decide(finishAt);
    expect(d.atRisk).toBe(true);
    expect(d.reason).not.toMatch(/NaN/);
    expect(d.reason).toContain("at risk: not to finish within the planning horizon against deadline 11-23 10:00 UTC");
    expect(d.projectedFinishAt).toBeNull();
  });

  it("keeps the projected date when there is one", () => {
    const d = decide(T0 + 5 * HOUR);
    expect(d.reason).toContain("at risk: projected 11-23 13:00 UTC against deadline 11-23 10:00 UTC");
    expect(d.projectedFinishAt).toBe(T0 + 5 * HOUR);
  });
});
