import { statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Cancellation, recorder, sandbox, sh, template, tracedEnv, type Sandbox } from "./session-helpers.ts";

let box: Sandbox;
afterEach(() => box?.cleanup());

describe("an OpenJD session on real processes", () => {
  it("enters job then step environments in order and exits them in reverse after a failed task", async () => {
    box = sandbox();
    const tpl = template({ stepEnvironments: [tracedEnv("C")], script: { actions: { onRun: sh(`echo run >> "$TRACE"; exit 3`) } } },
      { jobEnvironments: [tracedEnv("A"), tracedEnv("B")] });
    const s = box.session(tpl);
    const hooks = recorder();
    expect(await s.open(hooks, new Cancellation())).toEqual({ ok: true });
    const run = await s.runTask({}, hooks, new Cancellation());
    expect(run).toMatchObject({ ok: false, message: "bash exited with 3", interrupted: false });
    await s.close(hooks);
    expect(box.traced()).toEqual(["enter A", "enter B", "enter C", "run", "exit C", "exit B", "exit A"]);
  });

  it("exits an environment whose onEnter failed, and those before it, without running the task", async () => {
    box = sandbox();
    const tpl = template({ script: { actions: { onRun: sh(`echo run >> "$TRACE"`) } } },
      { jobEnvironments: [tracedEnv("A"), tracedEnv("B", { enter: `echo "enter B" >> "$TRACE"; echo "openjd_fail: licence server down"; exit 1` }), tracedEnv("C")] });
    const s = box.session(tpl);
    const opened = await s.open(recorder(), new Cancellation());
    expect(opened).toMatchObject({ ok: false, message: "licence server down" });
    await s.close(recorder());
    expect(box.traced()).toEqual(["enter A", "enter B", "exit B", "exit A"]);
  });

  it("accepts an environment with only onExit and still runs it at the end", async () => {
    box = sandbox();
    const tpl = template({ script: { actions: { onRun: sh(`echo run >> "$TRACE"`) } } },
      { jobEnvironments: [{ name: "cleanup", script: { actions: { onExit: sh(`echo "exit cleanup" >> "$TRACE"`) } } }] });
    const s = box.session(tpl);
    await s.open(recorder(), new Cancellation());
    expect(await s.runTask({}, recorder(), new Cancellation())).toMatchObject({ ok: true });
    await s.close(recorder());
    expect(box.traced()).toEqual(["run", "exit cleanup"]);
  });

  it("sets variables and openjd_env values for later actions, and honours openjd_unset_env", async () => {
    box = sandbox();
    const tpl = template({
      script: { actions: { onRun: sh(`echo "FOO=$FOO SHOT=$SHOT GONE=\${GONE-unset} WD=$PWD" >> "$TRACE"`) } },
    }, {
      parameterDefinitions: [{ name: "Shot", type: "STRING", default: "sh010" }],
      jobEnvironments: [tracedEnv("A", { enter: `echo "openjd_env: FOO=bar baz"; echo "openjd_unset_env: GONE"`, variables: { SHOT: "{{Param.Shot}}", GONE: "here" } })],
    });
    const s = box.session(tpl, { Shot: "sh010" });
    await s.open(recorder(), new Cancellation());
    await s.runTask({}, recorder(), new Cancellation());
    await s.close(recorder());
    expect(box.traced()[0]).toBe(`FOO=bar baz SHOT=sh010 GONE=unset WD=${s.workingDirectory}`);
  });

  it("writes embedded files with their permissions and resolves Task.File, Task.Param and Session values", async () => {
    box = sandbox();
    const tpl = template({
      parameterSpace: { taskParameterDefinitions: [{ name: "Frame", type: "INT", range: "1-3" }] },
      script: {
        actions: { onRun: { command: "{{Task.File.Run}}", args: ["{{Task.File.Notes}}"] } },
        embeddedFiles: [
          { name: "Run", type: "TEXT", runnable: true, data: `#!/bin/bash\necho "frame {{Task.Param.Frame}} in {{Session.WorkingDirectory}} $(stat -c %a "$0") $(stat -c %a "$1") $(cat "$1")" >> "$TRACE"\n` },
          { name: "Notes", type: "TEXT", filename: "notes.txt", data: "frame={{Task.Param.Frame}}" },
        ],
      },
    });
    const s = box.session(tpl);
    await s.open(recorder(), new Cancellation());
    expect(await s.runTask({ Frame: 2 }, recorder(), new Cancellation())).toMatchObject({ ok: true });
    expect(statSync(join(s.workingDirectory, "notes.txt")).mode & 0o777).toBe(0o400);
    await s.close(recorder());
    expect(box.traced()).toEqual([`frame 2 in ${s.workingDirectory} 500 400 frame=2`]);
  });

  it("turns openjd_progress and openjd_status lines into progress and status", async () => {
    box = sandbox();
    const tpl = template({ script: { actions: { onRun: sh(`echo "openjd_status: loading assets"; echo "openjd_progress: 40"; echo "openjd_progress: 100"`) } } });
    const s = box.session(tpl);
    const hooks = recorder();
    await s.open(hooks, new Cancellation());
    await s.runTask({}, hooks, new Cancellation());
    await s.close(hooks);
    expect(hooks.progressSeen).toEqual([0.4, 1]);
    expect(hooks.statuses).toEqual(["loading assets"]);
  });

  it("fails an action that outlives its timeout and kills it", async () => {
    box = sandbox();
    const tpl = template({ script: { actions: { onRun: sh("sleep 30", { timeout: 1 }) } } });
    const s = box.session(tpl);
    await s.open(recorder(), new Cancellation());
    const t0 = Date.now();
    expect(await s.runTask({}, recorder(), new Cancellation())).toMatchObject({ ok: false, message: "timed out after 1 s", interrupted: false });
    expect(Date.now() - t0).toBeLessThan(4000);
    await s.close(recorder());
  });

  it("NOTIFY_THEN_TERMINATE: writes cancel_info.json, sends SIGTERM, and SIGKILLs a tree that ignores it after the notify period", async () => {
    box = sandbox();
    const tpl = template({ script: { actions: { onRun: sh(`trap '' TERM; echo started; sleep 30`, { cancelation: { mode: "NOTIFY_THEN_TERMINATE", notifyPeriodInSeconds: 1 } }) } } });
    const s = box.session(tpl);
    const hooks = recorder();
    await s.open(hooks, new Cancellation());
    const cancel = new Cancellation();
    const running = s.runTask({}, hooks, cancel);
    await until(() => hooks.lines.includes("started"));
    const t0 = Date.now();
    cancel.cancel({ reason: "job canceled", urgency: "graceful", interrupted: false });
    await until(() => exists(join(s.workingDirectory, "cancel_info.json")));
    const info = JSON.parse((await import("node:fs")).readFileSync(join(s.workingDirectory, "cancel_info.json"), "utf8")) as { NotifyEnd: string };
    expect(info.NotifyEnd).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(await running).toMatchObject({ ok: false, message: "canceled: job canceled" });
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(4000);
    await s.close(hooks);
  });

  it("TERMINATE kills at once; an interrupting cancel is reported as interrupted", async () => {
    box = sandbox();
    const tpl = template({ script: { actions: { onRun: sh(`trap '' TERM; echo started; sleep 30`, { cancelation: { mode: "TERMINATE" } }) } } });
    const s = box.session(tpl);
    const hooks = recorder();
    await s.open(hooks, new Cancellation());
    const cancel = new Cancellation();
    const running = s.runTask({}, hooks, cancel);
    await until(() => hooks.lines.includes("started"));
    const t0 = Date.now();
    cancel.cancel({ reason: "spot interruption", urgency: "graceful", interrupted: true });
    expect(await running).toMatchObject({ ok: false, interrupted: true });
    expect(Date.now() - t0).toBeLessThan(1000);
    await s.close(hooks);
  });

  it("keeps a daemon an environment started until the session closes, then kills it", async () => {
    box = sandbox();
    const pidFile = join(box.dir, "daemon.pid");
    const tpl = template({ script: { actions: { onRun: sh(`kill -0 "$(cat ${pidFile})" && echo alive >> "$TRACE"`) } } },
      { jobEnvironments: [tracedEnv("D", { enter: `nohup sleep 300 >/dev/null 2>&1 & echo $! > ${pidFile}`, exit: `echo "exit D" >> "$TRACE"` })] });
    const s = box.session(tpl);
    await s.open(recorder(), new Cancellation());
    expect(await s.runTask({}, recorder(), new Cancellation())).toMatchObject({ ok: true });
    expect(await s.runTask({}, recorder(), new Cancellation())).toMatchObject({ ok: true });
    await s.close(recorder());
    const pid = Number((await import("node:fs")).readFileSync(pidFile, "utf8"));
    await until(() => !alive(pid));
    expect(box.traced()).toEqual(["alive", "alive", "exit D"]);
  });
});

function exists(p: string): boolean {
  try { statSync(p); return true; } catch { return false; }
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}
