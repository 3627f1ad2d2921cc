import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HOUR, T0 } from "../../builders/planner.ts";
import { submitJob } from "../../../lib/service/submit-job.ts";
import { getJob } from "../../../lib/service/get-job.ts";
import { runPlanningCycle } from "../../../lib/service/run-planning-cycle.ts";
import { farmSummary } from "../../../lib/service/farm-summary.ts";
import { asClient, iso, nativeJob, operator, planner, seedClient, seedNode, startService, type ServiceFixture } from "../../support/service-fixture.ts";

describe("why is my job (not) running, and will it make its deadline", () => {
  let svc: ServiceFixture;
  beforeAll(async () => {
    svc = await startService();
    await seedClient(svc.deps, "A", { guaranteedShare: 0.5 });
    await seedNode(svc.deps, "n1");
  });
  afterAll(async () => { await svc.stop(); });

  it("answers from the last plan's decision", async () => {
    const hopeless = (await submitJob(svc.deps, { body: nativeJob({ name: "hopeless", frames: "1-50", secondsPerFrame: 600, deadline: iso(T0 + HOUR) }) }, asClient("A"))).job;
    const easy = (await submitJob(svc.deps, { body: nativeJob({ name: "easy", frames: "1", secondsPerFrame: 60 }) }, asClient("A"))).job;
    const after = (await submitJob(svc.deps, { body: nativeJob({ name: "after", frames: "1", dependsOn: [easy.id] }) }, asClient("A"))).job;
    expect((await getJob(svc.deps, { jobId: hopeless.id }, asClient("A"))).why).toBeNull(); // no plan yet

    await runPlanningCycle(svc.deps, {}, planner);
    const h = await getJob(svc.deps, { jobId: hopeless.id }, asClient("A"));
    expect(h.outlook.atRisk).toBe(true);
    expect(h.outlook.meetsDeadline).toBe(false);
    expect(h.why?.reason.length).toBeGreaterThan(10);
    const w = await getJob(svc.deps, { jobId: after.id }, asClient("A"));
    expect(w.why?.outcome).toBe("waiting");
    expect(w.why?.reason).toContain(easy.id);

    const farm = await farmSummary(svc.deps, operator);
    expect(farm.deadlinesAtRisk.map((d) => d.jobId)).toEqual([hopeless.id]);
    expect(farm.lastPlanAt).toBe(iso(T0));
    expect(farm.utilization).toBe(1);
  });
});
