import { describe, expect, it } from "vitest";
import { cloudLowerBound, energyLowerBound, unavoidablyLate } from "../../../../lib/planner/bounds/index.ts";
import type { BoundsClass, BoundsInstance, BoundsJob } from "../../../../lib/planner/bounds/instance.ts";

const cls = (name: string, over: Partial<BoundsClass> = {}): BoundsClass => ({ name, local_nodes: 0, power_kw_busy: 0.5, cloud_price_per_node_hour: null, cloud_boot_slots: 0, ...over });
const job = (id: string, deadline: number, work: Record<string, number>, over: Partial<BoundsJob> = {}): BoundsJob => ({ id, release_slot: 0, deadline_slot: deadline, work_node_hours: work, max_parallel: null, cloud_allowed: true, ...over });
const farm = (classes: BoundsClass[], jobs: BoundsJob[], tariff = [0.2, 0.2, 0.2, 0.2]): BoundsInstance => ({ slot_minutes: 60, slots: tariff.length, tariff, classes, jobs });

describe("cloudLowerBound", () => {
  it("is the EDF prefix deficit for one class: work due by d minus local capacity before d", () => {
    const inst = farm([cls("cpu", { local_nodes: 2, cloud_price_per_node_hour: 0.5 })], [job("a", 2, { cpu: 6 }), job("b", 4, { cpu: 3 })]);
    // by slot 2: 6 due, 4 local → 2 short; by slot 4: 9 due, 8 local → 1 short. The worst binds.
    expect(cloudLowerBound(inst)).toMatchObject({ cost: 1, nodeHours: 2, binding: { fromSlot: 0, toSlot: 2 }, feasible: true, excluded: [] });
  });

  it("is zero when local capacity covers every deadline", () => {
    const inst = farm([cls("cpu", { local_nodes: 2, cloud_price_per_node_hour: 0.5 })], [job("a", 2, { cpu: 4 }), job("b", 4, { cpu: 4 })]);
    expect(cloudLowerBound(inst)).toMatchObject({ cost: 0, nodeHours: 0, binding: null });
  });

  it("sees a shortage of the one class a job can use even when the farm as a whole has room", () => {
    const inst = farm(
      [cls("cpu", { local_nodes: 4, cloud_price_per_node_hour: 0.5 }), cls("gpu", { local_nodes: 1, cloud_price_per_node_hour: 2 })],
      [job("shot", 2, { gpu: 3 }), job("comp", 4, { cpu: 1, gpu: 1 })],
    );
    expect(cloudLowerBound(inst).cost).toBeCloseTo(2, 9); // 1 GPU node-hour short, at 2/h
  });

  it("prices the deficit on the cheapest class per unit of the job's work", () => {
    const inst = farm(
      [cls("slow", { cloud_price_per_node_hour: 1 }), cls("fast", { cloud_price_per_node_hour: 1.5 })],
      [job("a", 4, { slow: 6, fast: 3 })],
    );
    expect(cloudLowerBound(inst).cost).toBeCloseTo(4.5, 9);
  });

  it("leaves out jobs that no schedule can finish, and names them", () => {
    const inst = farm([cls("cpu", { local_nodes: 1, cloud_price_per_node_hour: 0.5, cloud_boot_slots: 1 })], [job("rush", 1, { cpu: 2 }), job("ok", 4, { cpu: 5 })]);
    expect(cloudLowerBound(inst)).toMatchObject({ excluded: ["rush"], cost: 0.5 });
  });

  it("says when work that may not burst cannot fit, instead of inventing a price for it", () => {
    const inst = farm([cls("cpu", { local_nodes: 1, cloud_price_per_node_hour: 0.5 })], [job("a", 2, { cpu: 2 }, { cloud_allowed: false }), job("b", 2, { cpu: 2 }, { cloud_allowed: false }), job("c", 4, { cpu: 4 })]);
    const b = cloudLowerBound(inst);
    expect(b.feasible).toBe(false);
    expect(b.cost).toBeLessThanOrEqual(0.5 * 4);
  });

  it("rejects a malformed instance, naming the field", () => {
    expect(() => cloudLowerBound(farm([cls("cpu")], [job("a", 2, { gpu: 1 })]))).toThrow(/jobs\[a\]\.work_node_hours: unknown class "gpu"/);
    expect(() => cloudLowerBound({ ...farm([cls("cpu")], []), tariff: [1] })).toThrow(/tariff: needs 4 prices/);
  });
});

describe("energyLowerBound", () => {
  it("puts work into the cheapest hours before the deadline", () => {
    const inst = farm([cls("cpu", { local_nodes: 1, power_kw_busy: 0.5 })], [job("a", 3, { cpu: 2 })], [3, 1, 2, 0.1]);
    expect(energyLowerBound(inst)).toMatchObject({ cost: 1.5, scheduleCost: 1.5, kWh: 1, unplacedNodeHours: 0, exact: true });
  });

  it("lets the earlier deadline have the cheap hour it needs", () => {
    const inst = farm([cls("cpu", { local_nodes: 1, power_kw_busy: 1 })], [job("late", 3, { cpu: 1 }), job("early", 1, { cpu: 1 })], [1, 5, 2, 9]);
    expect(energyLowerBound(inst).cost).toBeCloseTo(1 + 2, 9);
  });

  it("reports work that does not fit instead of pricing it", () => {
    const inst = farm([cls("cpu", { local_nodes: 1, power_kw_busy: 1 })], [job("a", 2, { cpu: 3 })]);
    const b = energyLowerBound(inst);
    expect(b.unplacedNodeHours).toBeCloseTo(1, 9);
    expect(b.exact).toBe(false);
  });
});

describe("unavoidablyLate", () => {
  it("flags a job whose tasks cannot run in parallel enough", () => {
    const inst = farm([cls("cpu", { local_nodes: 10 })], [job("serial", 2, { cpu: 3 }, { max_parallel: 1 }), job("wide", 2, { cpu: 3 }, { max_parallel: 2 })]);
    expect(unavoidablyLate(inst)).toEqual(["serial"]);
  });

  it("lets a job that may burst use the cloud once booted, and only then", () => {
    const classes = [cls("cpu", { local_nodes: 1, cloud_price_per_node_hour: 1, cloud_boot_slots: 1 })];
    expect(unavoidablyLate(farm(classes, [job("a", 2, { cpu: 5 })]))).toEqual([]);
    expect(unavoidablyLate(farm(classes, [job("a", 1, { cpu: 2 })]))).toEqual(["a"]);
    expect(unavoidablyLate(farm(classes, [job("a", 2, { cpu: 5 }, { cloud_allowed: false })]))).toEqual(["a"]);
  });

  it("flags a job whose deadline has passed", () => {
    expect(unavoidablyLate(farm([cls("cpu", { local_nodes: 3 })], [job("gone", 0, { cpu: 1 })]))).toEqual(["gone"]);
  });
});
