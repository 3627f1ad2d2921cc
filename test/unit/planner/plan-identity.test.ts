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

const hashOf = (x: unknown) => createHash("sha256").update(JSON.stringify(x)).digest("hex").slice(0, 16);

const FARMS: { name: string; params: FarmParams }[] = [
  { name: "small", params: { tasks: 1_000, nodes: 50, seed: 7 } },
  { name: "extras", params: { tasks: 3_000, nodes: 150, seed: 11, extras: true } },
  { name: "loaded", params: { tasks: 2_000, nodes: 60, seed: 5, load: 5 } },
  { name: "bench-10k", params: { tasks: 10_000, nodes: 500, seed: 42 } },
];

/** Recorded on the code before the steps 1–4 performance work (commit 734998d). */
const EXPECTED: Record<string, { lp: string; greedy: string; replayed: string }> = {
  small: { lp: "61a05ed493dfcb6f", greedy: "4b245fbafbee27f0", replayed: "b7adfa4f87f77527" },
  extras: { lp: "ae82c3a86bdf50d0", greedy: "f45d73283e101b01", replayed: "15805dffe53561eb" },
  loaded: { lp: "28440954fad98c1d", greedy: "b50ac51813e81f71", replayed: "b902fb4c588dca5b" },
  "bench-10k": { lp: "3fac5b4ca83398bd", greedy: "10332fab49c8ebba", replayed: "fd31421df7f5b60b" },
};

describe("plan() is unchanged on fixed farms", () => {
  for (const { name, params } of FARMS) {
    it(`${name}: LP, greedy and replayed plans hash as before`, () => {
      const { snapshot, now } = generateFarm(params);
      const before = JSON.stringify(snapshot);
      const rec = recording(highs);
      const lp = plan(snapshot, defaultPolicy, now, { solver: rec });
      expect(lp.planner?.mode).toBe("lp");
      const greedy = plan(snapshot, defaultPolicy, now);
      const replayed = plan(snapshot, defaultPolicy, now + 2000, { solver: replay(rec.last!) });
      expect(JSON.stringify(snapshot)).toBe(before);
      const got = { lp: hashOf(lp), greedy: hashOf(greedy), replayed: hashOf(replayed) };
      if (process.env.PRINT_PLAN_HASHES) console.log(JSON.stringify({ [name]: got }));
      expect(got).toEqual(EXPECTED[name]);
    });
  }
});
