/**
 * An agent that vanishes mid-frame: its lease lapses, the planner gives the task to another
 * node, the first agent's late report is refused as stale, and the frame is completed exactly
 * once — no frame lost, none completed twice. Time is moved by a manual clock.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aLambdaContext, aScheduledEvent } from "../../builders/api-events.ts";
import { nodeToken, poll, registerNode } from "./agents.ts";
import { aNativeJob, aRequest, ManualClock, seedClients, startApi, tokens, type ApiHarness } from "./harness.ts";

const clock = new ManualClock();
let h: ApiHarness;
beforeAll(async () => {
  h = await startApi({ clock });
  await seedClients(h);
});
afterAll(async () => h?.stop());

const plan = () => h.planner(aScheduledEvent(new Date(clock.now())), aLambdaContext("planner"));
const complete = (nodeId: string, t: { taskId: string; token: string }) =>
  h.call(aRequest("POST", `/agents/${nodeId}/tasks/${encodeURIComponent(t.taskId)}/complete`).as(nodeToken(h, nodeId)).json({ token: t.token }));

describe("an agent vanishes mid-frame", () => {
  it("the frame moves to another node and completes exactly once", async () => {
    await registerNode(h, "n1");
    const job = await h.call(aRequest("POST", "/jobs").as(tokens.clientA).json(aNativeJob({ frames: "1", secondsPerFrame: 600 }, 48)));
    expect(job.status).toBe(201);
    expect(await plan()).toMatchObject({ ran: true, assignmentsWritten: 1 });
    const [first] = (await poll(h, "n1")).body.assignments;
    expect(first).toBeDefined();
    await poll(h, "n1", [{ taskId: first.taskId, token: first.token, state: "running", progress: 0.3 }]);

    // n1 goes silent; n2 joins and keeps polling while the lease (120 s) lapses.
    await registerNode(h, "n2");
    for (let i = 0; i < 12; i++) {
      clock.advance(15_000);
      await poll(h, "n2");
    }
    expect(await plan()).toMatchObject({ ran: true, leasesExpired: 1, assignmentsWritten: 1 });
    const [second] = (await poll(h, "n2")).body.assignments;
    expect(second.taskId).toBe(first.taskId);
    expect(second.token).not.toBe(first.token);

    // n1 comes back and reports its old attempt: refused, and told to stop.
    expect((await complete("n1", first)).status).toBe(409);
    const back = await poll(h, "n1", [{ taskId: first.taskId, token: first.token, state: "running" }]);
    expect(back.body.cancel.map((c: { taskId: string }) => c.taskId)).toEqual([first.taskId]);

    expect((await complete("n2", second)).body).toEqual({ result: "accepted" });
    expect((await complete("n2", second)).body).toEqual({ result: "duplicate" });
    const after = (await h.call(aRequest("GET", `/jobs/${job.body.id}`).as(tokens.clientA))).body;
    expect(after.progress).toMatchObject({ tasks: 1, done: 1, running: 0, pending: 0 });
    expect(after.status).toBe("done");
  });
});
