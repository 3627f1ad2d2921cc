import { describe, expect, it } from "vitest";
import { checkInstance } from "../../../lib/planner/bounds/prepare.ts";
import { scenarioInstance, SLOT_MINUTES } from "../../../lib/sim/index.ts";
import { HOUR, T0, client, gpuNode, job, node, offer, scenario } from "./tiny.ts";

describe("scenario → bounds instance", () => {
  const sc = scenario({
    endAt: T0 + 6 * HOUR,
    nodes: [node("cpu-1"), node("cpu-2"), gpuNode("gpu-1", { powerBusyW: 800 })],
    clients: [client("A", { cloudAllowed: true, cloudBudgetLeft: 10 }), client("B")],
    cloudOffers: [offer({ bootSec: 1000 })],
    jobs: [
      job({ id: "c", tasks: 4, taskSec: 1800, submitAt: T0 + 20 * 60_000, due: T0 + 2 * HOUR + 60_000, cloud: true }),
      job({ id: "g", client: "B", tasks: 2, taskSec: 3600, gpu: true, kind: "render-gpu" }),
    ],
    events: [
      { at: T0 + HOUR, type: "crash", nodeId: "cpu-2", downSec: 3600 },
      { at: T0 + 30 * 60_000, type: "deadline", jobId: "c", deadlineAt: T0 + 3 * HOUR },
    ],
  });
  const inst = scenarioInstance(sc);

  it("is well-formed and survives a JSON round trip", () => {
    expect(() => checkInstance(inst)).not.toThrow();
    expect(JSON.parse(JSON.stringify(inst))).toEqual(inst);
    expect(inst.slot_minutes).toBe(SLOT_MINUTES);
    expect(inst.slots).toBe(24);
    expect(inst.tariff).toEqual(Array(24).fill(0.2));
  });

  it("groups identical nodes into classes and removes a crashed node for the slots it is down", () => {
    const cpu = inst.classes.find((c) => c.name === "cpu")!;
    const local = cpu.local_nodes as number[];
    expect(local.slice(0, 4)).toEqual([2, 2, 2, 2]);
    expect(local.slice(4, 8)).toEqual([1, 1, 1, 1]);
    expect(local[8]).toBe(2);
    expect(cpu.power_kw_busy).toBe(0.5);
    expect(inst.classes.find((c) => c.name === "gpu")).toMatchObject({ local_nodes: 1, power_kw_busy: 0.8, cloud_price_per_node_hour: null });
    expect(inst.classes.find((c) => c.name === "cloud:c.test")).toMatchObject({ local_nodes: 0, cloud_price_per_node_hour: 0.5, cloud_boot_slots: 1 });
  });

  it("gives each job its window (release down, final deadline up) and true work per eligible class", () => {
    const c = inst.jobs.find((j) => j.id === "c")!;
    expect(c).toMatchObject({ release_slot: 1, deadline_slot: 12, max_parallel: 4, cloud_allowed: true });
    // No runtime spread in the tiny jobs: 4 × 30 min = 2 node-hours on every eligible class.
    expect(c.work_node_hours).toEqual({ cpu: 2, gpu: 2, "cloud:c.test": 2 });
    const g = inst.jobs.find((j) => j.id === "g")!;
    expect(g).toMatchObject({ release_slot: 0, deadline_slot: 24, cloud_allowed: false });
    expect(g.work_node_hours).toEqual({ gpu: 2 });
  });
});
