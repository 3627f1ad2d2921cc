/**
 * Guarantees in dispatch (lib/planner/lp/guarantee-rule.ts): a client below its guaranteed share
 * gets the slots it is owed before a client above its own share is given more, deferred work
 * included; deadline work the LP placed now keeps its slots when the plan has no room for it later.
 */
import { describe, expect, it } from "vitest";
import { aClient, aJob, aNode, aStep, aSnapshot, HOUR, MIN, nodes, T0 } from "../../builders/planner.ts";
import { dispatch, farm, member, perJob } from "./lp-dispatch-fixture.ts";

const halves = [aClient("A", { guaranteedShare: 0.5 }), aClient("B", { guaranteedShare: 0.5 })];

describe("guarantee rule", () => {
  const shot = (aDue: number | null) => aSnapshot({
    clients: halves,
    nodes: nodes("n", 4),
    jobs: [
      (aDue === null ? aJob("a") : aJob("a").due(aDue)).forClient("A").tasks(20).build(),
      aJob("b").forClient("B").tasks(20).build(),
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
      jobs: [aJob("a").forClient("A").tasks(20).build(), aJob("b").forClient("B").tasks(20).build()],
    }), T0);
    const r = dispatch(f, [{ members: [member(f, "a", null)], quota: { 0: 1 } }], { ordered: ["a", "b"], guarantees: true });
    expect(r.assignments.map((x) => [x.nodeId, x.jobId, x.queued])).toEqual([["n2", "b", true]]);
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

  it("leaves its energy-intensive work off an energy-wasteful class, as the work-conserving fill does (energy ≫ guarantees)", () => {
    const f = farm(shot(true, true), T0);
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

  it("gives an owed client's energy-intensive work no class spending over minSaving more per unit than its best", () => {
    const f = farm(shot, T0);
    const r = dispatch(f, [{ members: [member(f, "a", null)], quota: {} }], { ordered: ["a", "b"], guarantees: true });
    expect(r.assignments.map((x) => [x.nodeId, x.jobId])).toEqual([["cpu", "a"]]);
  });
});
