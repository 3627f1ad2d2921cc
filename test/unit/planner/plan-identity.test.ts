/**
 * Performance work on steps 1–4 (node classes, job states, order) and the LP's resources must not
 * change any plan: plan() on fixed generated farms, with HiGHS, without a solver, and replaying a
 * recorded plan of record (the dispatch path), hashes to the values recorded before that work.
 * A change that alters a plan on purpose updates these hashes in the same commit, and says why.
 */
import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { defaultPolicy, plan } from "../../../lib/planner/index.ts";
import type { LpSolver } from "../../../lib/planner/lp/solver.ts";
import { loadHighsSolver } from "../../../lib/solver/highs-solver.ts";
import { recording, replay } from "../../../lib/solver/plan-of-record.ts";
import { type FarmParams, generateFarm } from "../../builders/farm-generator.ts";

let highs: LpSolver;
beforeAll(async () => { highs = await loadHighsSolver(); });

const UNHURRIED_SEC = 120;
const hashOf = (x: unknown) => createHash("sha256").update(JSON.stringify(x)).digest("hex").slice(0, 16);

const FARMS: { name: string; params: FarmParams }[] = [
  { name: "small", params: { tasks: 1_000, nodes: 50, seed: 7 } },
  { name: "extras", params: { tasks: 3_000, nodes: 150, seed: 11, extras: true } },
  { name: "loaded", params: { tasks: 2_000, nodes: 60, seed: 5, load: 5 } },
  { name: "bench-10k", params: { tasks: 10_000, nodes: 500, seed: 42 } },
];

/**
 * Recorded before the steps 1–4 performance work (734998d), then re-recorded where LP plans changed
 * on purpose (greedy ones never did): b9c1572 (completion credit, idle fill), then the merge of the
 * preview lending across groups, with the replayed plan now a true replay (record at +1 s, event at +2 s),
 * then woken nodes priced by their busy hours only (the wake column no longer adds idle power: asleep farms),
 * then preview lending to jobs their own group skips (surplus rentals released without the 2 h guard came and went:
 * the local farm released just-booted nodes before their first frame), then a second first-frame slot for jobs
 * whose only running task is expected after a slot that is free or freeing would finish one (lp/first-frame.ts),
 * then the early look on the fastest free class rather than the best fit, then work that misses planned past its
 * deadline with lateness priced (lp/model.ts `late`: a second solve only where the first misses, so "small",
 * which misses nothing, keeps its hashes; extras, loaded and bench-10k miss and changed), then a late job with a
 * rental still marked at risk ("loaded": its decisions changed, not its assignments), then the lateness re-solve
 * started from the first solve's basis (lp/solve-lateness.ts startFrom: bench-10k's LP plan is another optimum
 * of the same objective, 750457.5894; extras and loaded keep theirs), and the owed-first idle fill
 * leaving a slot where LP quota work stepped aside for an exchange the serve pass did not make ("small"), then
 * deadline edges sized by the best speed the group's margin uses (lp/lp-problem.ts edgeSpeed: all four farms), and
 * the guarantee guard holding the slots the owed clients need together, not each alone (bench-10k).
 */
const EXPECTED: Record<string, { lp: string; greedy: string; replayed: string }> = {
  small: { lp: "7db67dea82a93ae9", greedy: "4b245fbafbee27f0", replayed: "44c42cc9361e2c49" },
  extras: { lp: "73a90723993996f8", greedy: "f45d73283e101b01", replayed: "00470cb0beaee750" },
  loaded: { lp: "a615c9dbeacf9449", greedy: "b50ac51813e81f71", replayed: "07d267e5079e2f10" },
  "bench-10k": { lp: "93b60793e4018957", greedy: "10332fab49c8ebba", replayed: "7b851d4b6da8670c" },
};

describe("plan() is unchanged on fixed farms", () => {
  for (const { name, params } of FARMS) {
    it(`${name}: LP, greedy and replayed plans hash as before`, () => {
      const { snapshot, now } = generateFarm(params);
      const before = JSON.stringify(snapshot);
      // The solver's 2 s default is wall time: a test fork beside others once ran out of it on a cold
      // solve and fell back to the greedy plan. The hashes check the plan, not the speed (the bench does).
      const lp = plan(snapshot, defaultPolicy, now, { solver: highs, solverTimeLimitSec: UNHURRIED_SEC });
      expect(lp.planner?.mode).toBe("lp");
      const greedy = plan(snapshot, defaultPolicy, now);
      // The dispatch path: a record made a second into the slot, replayed by an event a second later.
      const fresh = recording(highs);
      plan(snapshot, defaultPolicy, now + 1000, { solver: fresh, solverTimeLimitSec: UNHURRIED_SEC });
      const replayed = plan(snapshot, defaultPolicy, now + 2000, { solver: replay(fresh.last!) });
      expect(JSON.stringify(snapshot)).toBe(before);
      expect(replayed.planner?.mode).toBe("lp");
      const got = { lp: hashOf(lp), greedy: hashOf(greedy), replayed: hashOf(replayed) };
      if (process.env.PRINT_PLAN_HASHES) console.log(JSON.stringify({ [name]: got }));
      expect(got).toEqual(EXPECTED[name]);
    });
  }
});
