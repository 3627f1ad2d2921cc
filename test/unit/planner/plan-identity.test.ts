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

/**
 * Recorded before the steps 1–4 performance work (734998d), then again on b9c1572 (completion credit
 * on, the idle fill kept off too-slow nodes, the ceiling's refusals in reasons: LP plans change on
 * purpose; greedy ones did not), which the performance work reproduces exactly.
 */
const EXPECTED: Record<string, { lp: string; greedy: string; replayed: string }> = {
  small: { lp: "220beb29b98bef70", greedy: "4b245fbafbee27f0", replayed: "91907b2b3c2d8fec" },
  extras: { lp: "e3dfbfafc854ed16", greedy: "f45d73283e101b01", replayed: "10495d2cc0b2e119" },
  loaded: { lp: "c401f489c828b987", greedy: "b50ac51813e81f71", replayed: "76fc7ee19f8cb559" },
  "bench-10k": { lp: "e7d529f648046e24", greedy: "10332fab49c8ebba", replayed: "5f90a5abfb17127c" },
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
