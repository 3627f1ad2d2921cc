/**
 * Guarantees in dispatch (lib/planner/lp/guarantee-rule.ts): a client below its guaranteed share
 * gets the slots it is owed before a client above its own share is given more, deferred work
 * included; deadline work the LP placed now keeps its slots when the plan has no room for it later.
 */
import { describe, expect, it } from "vitest";
import { aClient, aJob, aNode, aStep, aSnapshot, HOUR, MIN, nodes, T0 } from "../../builders/planner.ts";
import { withPolicy } from "../../../lib/planner/index.ts";
import { GuaranteeRule } from "../../../lib/planner/lp/guarantee-rule.ts";
import { buildPools } from "../../../lib/planner/matching/slot-pools.ts";
import { dispatch, farm, member, perJob, resources } from "./lp-dispatch-fixture.ts";

/** Guarantees beside tariff timing (energy ≫ guarantees: the default), and before it. */
const besideTariff = withPolicy({ guaranteeRule: "beside-tariff" });
const beforeTariff = withPolicy({ guaranteeRule: "before-tariff" });

const halves = [aClient("A", { guaranteedShare: 0.5 }), aClient("B", { guaranteedShare: 0.5 })];

describe("guarantee rule", () => {
  const shot = (aDue: number | null) => aSnapshot({
    clients: halves,
    nodes: nodes("n", 4),
    jobs: [
      (aDue === null ? aJob("a") : aJob("a").due(aDue)).forClient("A").tasks(20).build(),
      // B has a frame already: no early look, so every slot it gets is the rule's.
      aJob("b").forClient("B").steps(aStep("render").tasks(20).done(1)).build(),
    ],
  });

  it("gives a client below its guarantee its share before the LP's quota of a client above its own, deferred work included", () => {
    const f = farm(shot(null), T0);
    const r = dispatch(f, [{ members: [member(f, "a", null)], quota: { 0: 4 } }], { ordered: ["a", "b"], deferred: ["b"], guarantees: true });
    expect(perJob(r)).toEqual({ a: 2, b: 2 });
    expect(r.assignments.filter((x) => x.jobId === "b").every((x) => x.reason.startsWith("guarantee: B below its 50% share"))).toBe(true);
  });

  it("without the rule the LP's quota takes every node (what the rule corrects)", () => {
    const f = farm(shot(null), T0);
    const r = dispatch(f, [{ members: [member(f, "a", null)], quota: { 0: 4 } }], { ordered: ["a", "b"], deferred: ["b"] });
    expect(perJob(r)).toEqual({ a: 4 });
  });

  it("keeps deadline work the LP placed now on its slots when the plan has no room for it later", () => {
    const f = farm(shot(T0 + 2 * HOUR), T0);
    const r = dispatch(f, [{ members: [member(f, "a", 3)], quota: { 0: 4 } }], { ordered: ["a", "b"], deferred: ["b"], guarantees: true });
    expect(perJob(r)).toEqual({ a: 4 });
  });

  it("queues a client's next task behind its own task ending soon rather than another client's above its share", () => {
    const f = farm(aSnapshot({
      clients: halves,
      nodes: [
        aNode("n1").running({ jobId: "a", expectedEndAt: T0 + 3 * HOUR }).build(),
        aNode("n2").running({ jobId: "b", expectedEndAt: T0 + MIN }).build(),
      ],
      // A frame done each: no early look (a fresh job's first task passes the guard where clients may rent).
      jobs: [aJob("a").forClient("A").steps(aStep("render").tasks(20).done(1)).build(), aJob("b").forClient("B").steps(aStep("render").tasks(20).done(1)).build()],
    }), T0);
    const r = dispatch(f, [{ members: [member(f, "a", null)], quota: { 0: 1 } }], { ordered: ["a", "b"], guarantees: true });
    expect(r.assignments.map((x) => [x.nodeId, x.jobId, x.queued])).toEqual([["n2", "b", true]]);
  });
});

describe("guarantee rule with several clients owed slots", () => {
  // A is owed 1 of 5 slots, B and C 2 each: alone, B or C sees more slots left than it is owed; together they are owed 4.
  const three = [aClient("A", { guaranteedShare: 0.2 }), aClient("B", { guaranteedShare: 0.4 }), aClient("C", { guaranteedShare: 0.4 })];
  const shot = aSnapshot({
    clients: three,
    nodes: nodes("n", 5),
    jobs: [
      aJob("a").forClient("A").tasks(20).build(),
      aJob("b").forClient("B").steps(aStep("render").tasks(20).done(1)).build(),
      aJob("c").forClient("C").steps(aStep("render").tasks(20).done(1)).build(),
    ],
  });

  it("holds the slots the owed clients need together, not only those each one needs alone", () => {
    const f = farm(shot, T0);
    const r = dispatch(f, [{ members: [member(f, "a", null)], quota: { 0: 5 } }], { ordered: ["a", "b", "c"], deferred: ["b", "c"], guarantees: true });
    expect(perJob(r)).toEqual({ a: 1, b: 2, c: 2 });
  });
});

describe("guarantee rule and energy (tariff on, the plan renting nothing)", () => {
  // B (a frame done: no early look) is owed one of two slots; a GPU box renders CPU work at half speed for more power (1.3 kWh per reference hour against 0.45).
  const shot = (energy: boolean, cpuBusy: boolean) => aSnapshot({
    clients: halves,
    nodes: [
      aNode("gpu").gpu(1).speed("render-cpu", 0.5).power(150, 650).build(),
      cpuBusy ? aNode("cpu").speed("render-cpu", 1).power(120, 450).running({ jobId: "a", expectedEndAt: T0 + 3 * HOUR }).build() : aNode("cpu").speed("render-cpu", 1).power(120, 450).build(),
    ],
    jobs: [aJob("a").forClient("A").tasks(20).build(), aJob("b").forClient("B").energyIntensive(energy).steps(aStep("render").tasks(20, 1800).done(1)).build()],
  });

  it("serves a client below its guarantee on its class with the least energy per unit of work first", () => {
    const f = farm(shot(false, false), T0);
    const r = dispatch(f, [{ members: [member(f, "a", null)], quota: {} }], { ordered: ["b"], guarantees: true });
    expect(r.assignments.filter((x) => x.reason.startsWith("guarantee:")).map((x) => x.nodeId)).toEqual(["cpu"]);
  });

  it("before tariff timing, serves its energy-intensive work on an energy-wasteful class rather than leave the slot idle", () => {
    const f = farm(shot(true, true), T0, beforeTariff);
    const r = dispatch(f, [{ members: [member(f, "a", null)], quota: {} }], { ordered: ["b"], guarantees: true });
    expect(r.assignments.map((x) => [x.nodeId, x.jobId, x.reason.split(";")[0]])).toEqual([["gpu", "b", "guarantee: B below its 50% share (runs 0 of 1 on-prem slot(s) owed)"]]);
  });

  it("beside tariff timing, leaves it off an energy-wasteful class, as the work-conserving fill does (energy ≫ guarantees)", () => {
    const f = farm(shot(true, true), T0, besideTariff);
    const r = dispatch(f, [{ members: [member(f, "a", null)], quota: {} }], { ordered: ["b"], guarantees: true });
    expect(r.assignments).toEqual([]);
  });
});

describe("guarantee rule and the energy room of a class (tariff on)", () => {
  // B's simulation is owed a slot; the 64-core node it simulates best on (0.33 kWh per reference hour) is A's,
  // the free CPU box spends 0.45 (1.35×, within the idle fill's 1.5× but over minSaving): A's render, as cheap there as anywhere, takes it.
  const shot = aSnapshot({
    clients: halves,
    nodes: [
      aNode("cpu").speed("render-cpu", 1).speed("sim", 1).power(120, 450).build(),
      aNode("xcpu").speed("render-cpu", 1.8).speed("sim", 2.4).power(180, 800).running({ jobId: "a", expectedEndAt: T0 + 3 * HOUR }).build(),
    ],
    jobs: [
      aJob("a").forClient("A").energyIntensive().steps(aStep("render").tasks(20, 1800).done(1)).build(),
      aJob("b").forClient("B").energyIntensive().steps(aStep("sim").kind("sim").tasks(20, 1800).done(1)).build(),
    ],
  });

  it("beside tariff timing, gives an owed client's energy-intensive work no class spending over minSaving more per unit than its best", () => {
    const f = farm(shot, T0, besideTariff);
    const r = dispatch(f, [{ members: [member(f, "a", null)], quota: {} }], { ordered: ["a", "b"], guarantees: true });
    expect(r.assignments.map((x) => [x.nodeId, x.jobId])).toEqual([["cpu", "a"]]);
  });

  it("before tariff timing, gives the owed client's work the free class though it spends more per unit", () => {
    const f = farm(shot, T0, beforeTariff);
    const r = dispatch(f, [{ members: [member(f, "a", null)], quota: {} }], { ordered: ["a", "b"], guarantees: true });
    expect(r.assignments.map((x) => [x.nodeId, x.jobId])).toEqual([["cpu", "b"]]);
  });
});

/** Four nodes of one class, client A's job "a" running on two of them (half the farm: A's guarantee). */
const aRunsTwoOfFour = (jobs: ReturnType<ReturnType<typeof aJob>["build"]>[]) => aSnapshot({
  clients: halves,
  nodes: [
    aNode("n1").running({ jobId: "a", expectedEndAt: T0 + 5 * HOUR }).build(),
    aNode("n2").running({ jobId: "a", expectedEndAt: T0 + 5 * HOUR }).build(),
    ...nodes("m", 2),
  ],
  jobs,
});

describe("guarantee rule while clients may rent (GuaranteePlan.idleRoomOnly)", () => {
  // Four nodes, one class; A already runs two (its guarantee), B is owed the two free ones. A's deadline work due in slot 3
  // may wait for B only where the LP's plan has room for it before then: idle, or (not while rentals are possible) B's.
  const shot = aRunsTwoOfFour([aJob("a").forClient("A").tasks(20, 3600).due(T0 + 3 * HOUR).build(), aJob("b").forClient("B").tasks(20, 3600).build()]);
  // One-hour slots; B's planned node-hours per slot (the LP plans nothing else): four per slot leaves no idle room in slots 1–2.
  const ruleWith = (bPlanned: number[], idleRoomOnly: boolean) => {
    const f = farm(shot, T0);
    const pools = buildPools(f.classes, f.now, f.policy.preassignWithinSec);
    const [r] = resources(f);
    Object.assign(r!, { readyHours: [2, 4, 4, 4], asleepHours: [0, 0, 0, 0] });
    const a = member(f, "a", 3);
    const plan = {
      reading: { onpremH: [new Map([[0, [2, 0, 0, 0]]]), new Map([[0, bPlanned]])], cloudH: [0, 0] },
      resources: [r!],
      groups: [{ clientId: "A", members: [a] }, { clientId: "B", members: [member(f, "b", null)] }],
      grid: { startAt: [0, 1, 2, 3, 4].map((h) => T0 + h * HOUR), count: 4 },
      idleRoomOnly,
    };
    const jobs = new Map(f.snapshot.jobs.map((j) => [j.id, j.clientId]));
    const rule = new GuaranteeRule(pools, [f.states.get("a")!, f.states.get("b")!], f.ledger.guaranteeFractions(), (id) => jobs.get(id), () => true, plan);
    const pool = pools[0]!;
    const owed = rule.blocks("A", pool);
    return { owed, waits: owed !== null && rule.canWait(a, pool, owed) };
  };

  it("blocks A's placement on a slot B is owed", () => {
    expect(ruleWith([0, 4, 4, 0], false).owed?.clientId).toBe("B");
  });

  it("lets A's deadline work wait into room the plan gives B when no client may rent", () => {
    expect(ruleWith([0, 4, 4, 0], false).waits).toBe(true);
  });

  it("keeps it on its slot while clients may rent and the plan leaves no idle room before its deadline", () => {
    expect(ruleWith([0, 4, 4, 0], true).waits).toBe(false);
  });

  it("lets it wait while clients may rent where the plan leaves a node idle before its deadline", () => {
    expect(ruleWith([0, 3, 4, 0], true).waits).toBe(true);
  });
});

describe("guarantee rule: an exchange the serve pass does not make is undone", () => {
  // A runs two of four nodes (its guarantee), B is owed the two free ones. The LP gives them to A's 10-minute deadline
  // frames now and plans B's hour-long frames from slot 1: A's frames may wait into B's room, but the plan has no room
  // for B's frame in slot 0 (A's), so the serve pass leaves the nodes (mixed-short-long seed 4: S20 and L3).
  const shot = aRunsTwoOfFour([aJob("a").forClient("A").steps(aStep("render").tasks(20, 600).done(1)).due(T0 + 3 * HOUR).build(), aJob("b").forClient("B").steps(aStep("render").tasks(20, 3600).done(1)).build()]);

  it("gives the nodes back to the deadline work in the idle fill, not to the owed client's hour-long frames", () => {
    const f = farm(shot, T0);
    const [r] = resources(f);
    Object.assign(r!, { readyHours: [2, 4, 4, 4], asleepHours: [0, 0, 0, 0] });
    const a = member(f, "a", 3);
    const plan = {
      reading: { onpremH: [new Map([[0, [2, 0, 0, 0]]]), new Map([[0, [0, 4, 4, 0]]])], cloudH: [0, 0] },
      resources: [r!],
      groups: [{ clientId: "A", members: [a] }, { clientId: "B", members: [member(f, "b", null)] }],
      grid: { startAt: [0, 1, 2, 3, 4].map((h) => T0 + h * HOUR), count: 4 },
    };
    const res = dispatch(f, [{ members: [a], quota: { 0: 2 } }], { ordered: ["a", "b"], guarantees: plan });
    expect(res.assignments.map((x) => [x.nodeId, x.jobId, x.reason.split(";")[0]])).toEqual([
      ["m000", "a", "idle capacity the LP's rounding left free"], ["m001", "a", "idle capacity the LP's rounding left free"],
    ]);
  });
});

describe("guarantee rule and a fresh job's first frame", () => {
  // A runs two of four nodes (its guarantee) on job a; B is owed the two free ones; A's new job a2 has no frame yet.
  const shot = aRunsTwoOfFour([aJob("a").forClient("A").tasks(20).build(), aJob("a2").forClient("A").tasks(20).build(), aJob("b").forClient("B").tasks(20).build()]);

  it("where clients may rent, lets the fresh job's first task take one slot (the early look), the rest going to the owed client", () => {
    const f = farm(shot, T0);
    const r = dispatch(f, [{ members: [member(f, "a2", null)], quota: { 0: 2 } }], { ordered: ["a2", "b"], guarantees: "may-rent" });
    expect(perJob(r)).toEqual({ a2: 1, b: 1 });
  });

  it("where nobody may rent, keeps both slots for the owed client (no rental would cover a deadline the slot costs)", () => {
    const f = farm(shot, T0);
    const r = dispatch(f, [{ members: [member(f, "a2", null)], quota: { 0: 2 } }], { ordered: ["a2", "b"], guarantees: true });
    expect(perJob(r)).toEqual({ b: 2 });
  });
});
