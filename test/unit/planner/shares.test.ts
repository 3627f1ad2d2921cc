import { describe, expect, it } from "vitest";
import { defaultPolicy, plan } from "../../../lib/planner/index.ts";
import { HOUR, MIN, T0, aClient, aJob, aNode, aSnapshot, aStep, nodes } from "../../builders/planner.ts";

const clients = [aClient("A", { guaranteedShare: 0.5, maxShare: 1 }), aClient("B", { guaranteedShare: 0.5, maxShare: 0.75 })];
const perClient = (p: ReturnType<typeof plan>, client: string) => p.assignments.filter((a) => a.jobId.startsWith(client)).length;

describe("client shares", () => {
  it("gives a client with demand its guarantee even when another client's work is more urgent", () => {
    const snap = aSnapshot({
      clients,
      jobs: [aJob("A-urgent").forClient("A").due(T0 + HOUR).tasks(50).build(), aJob("B-relaxed").forClient("B").due(T0 + 72 * HOUR).tasks(50).build()],
      nodes: nodes("n", 10),
    });
    const p = plan(snap, defaultPolicy, T0);
    expect(perClient(p, "B")).toBe(5);
    expect(perClient(p, "A")).toBe(5);
  });

  it("lends idle capacity to a busy client up to its maximum share", () => {
    const onlyB = aSnapshot({ clients, jobs: [aJob("B-job").forClient("B").due(T0 + 5 * HOUR).tasks(50).build()], nodes: nodes("n", 8) });
    const p = plan(onlyB, defaultPolicy, T0);
    expect(perClient(p, "B")).toBe(6); // 75% of 8 slots
    expect(p.jobs.find((j) => j.jobId === "B-job")!.outcome).toBe("placed");
    expect(p.shares.find((s) => s.clientId === "B")).toMatchObject({ guaranteedSlots: 4, maxSlots: 6, usedSlots: 6, borrowedSlots: 2 });
  });

  it("says a capped job is held by its share cap", () => {
    const busy = nodes("n", 4, (b) => b.running({ jobId: "B-job", expectedEndAt: T0 + HOUR }));
    const snap = aSnapshot({ clients, jobs: [aJob("B-job").forClient("B").tasks(50).build()], nodes: [...busy, ...nodes("f", 4)] });
    const p = plan(snap, defaultPolicy, T0);
    const d = p.jobs.find((j) => j.jobId === "B-job")!;
    expect(perClient(p, "B")).toBe(2);
    expect(d.outcome).toBe("placed");
    const p2 = plan(aSnapshot({ clients, jobs: [aJob("B-job").forClient("B").tasks(50).build()], nodes: [...nodes("r", 6, (b) => b.running({ jobId: "B-job", expectedEndAt: T0 + HOUR })), ...nodes("f", 2)] }), defaultPolicy, T0);
    expect(p2.assignments).toHaveLength(0);
    expect(p2.jobs[0]!.outcome).toBe("held");
    expect(p2.jobs[0]!.reason).toMatch(/cap of 6 on-prem slot/);
  });

  it("returns borrowed slots to the owner at task boundaries, without killing running frames", () => {
    // B borrows all 4 nodes; two tasks end within the pre-assignment window; A comes back.
    const farm = [
      aNode("n0").running({ jobId: "B-job", taskIndex: 0, expectedEndAt: T0 + 30_000 }).build(),
      aNode("n1").running({ jobId: "B-job", taskIndex: 1, expectedEndAt: T0 + 40_000 }).build(),
      aNode("n2").running({ jobId: "B-job", taskIndex: 2, expectedEndAt: T0 + 2 * HOUR }).build(),
      aNode("n3").running({ jobId: "B-job", taskIndex: 3, expectedEndAt: T0 + 2 * HOUR }).build(),
    ];
    const snap = aSnapshot({
      clients: [aClient("A", { guaranteedShare: 0.5 }), aClient("B", { guaranteedShare: 0.5 })],
      jobs: [aJob("B-job").forClient("B").due(T0 + 2 * HOUR).tasks(50).build(), aJob("A-job").forClient("A").due(T0 + 20 * HOUR).tasks(10).build()],
      nodes: farm,
    });
    const p = plan(snap, defaultPolicy, T0);
    expect(p.preemptions).toEqual([]);
    expect(p.assignments.map((a) => [a.nodeId, a.jobId, a.queued])).toEqual([["n0", "A-job", true], ["n1", "A-job", true]]);
  });

  it("asks a checkpointable borrower to yield when the owner is below its guarantee", () => {
    const running = (id: string, i: number) => aNode(id).running({ jobId: "B-job", taskIndex: i, startedAt: T0 - i * MIN, expectedEndAt: T0 + 3 * HOUR }).build();
    const snap = aSnapshot({
      clients: [aClient("A", { guaranteedShare: 0.5 }), aClient("B", { guaranteedShare: 0.5 })],
      jobs: [
        aJob("B-job").forClient("B").steps(aStep("render").tasks(50).checkpointable()).build(),
        aJob("A-job").forClient("A").tasks(10).build(),
      ],
      nodes: [running("n0", 0), running("n1", 1), running("n2", 2), running("n3", 3)],
    });
    const p = plan(snap, defaultPolicy, T0);
    expect(p.preemptions).toHaveLength(2);
    expect(p.preemptions.map((x) => x.taskId)).toEqual(["B-job:render:0", "B-job:render:1"]);
    expect(p.preemptions[0]!.reason).toMatch(/client A is below its guaranteed share/);
  });
});
