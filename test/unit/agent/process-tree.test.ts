import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ProcessGroups } from "../../../lib/agent/process-tree.ts";

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };
const gone = async (pid: number) => { for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 20)); return !alive(pid); };

describe("process groups the agent starts", () => {
  it("are recorded under the work dir, so an agent restarted after kill -9 kills what the last one left running", async () => {
    dir = mkdtempSync(join(tmpdir(), "bf-pids-"));
    const pids = join(dir, "pids");
    const groups = new ProcessGroups(pids);
    const lines: string[] = [];
    // A renderer whose own child outlives it would be the zombie holding a licence.
    const leader = groups.spawn("bash", ["-c", "sleep 60 & echo $!"], { cwd: dir, env: process.env, onLine: (l) => lines.push(l) });
    await leader.exited;
    const orphan = Number(lines[0]);
    expect(alive(orphan)).toBe(true);
    expect(readdirSync(pids)).toEqual([String(leader.pgid)]);
    // What a fresh agent does at start-up:
    expect(new ProcessGroups(pids).killLeftBehind()).toBe(1);
    expect(await gone(orphan)).toBe(true);
    expect(readdirSync(pids)).toEqual([]);
  });

  it("belong to their agent: one agent stopping leaves another agent's renders in the same process running", async () => {
    dir = mkdtempSync(join(tmpdir(), "bf-pids-"));
    const mine = new ProcessGroups(join(dir, "a"));
    const theirs = new ProcessGroups(join(dir, "b"));
    const render = mine.spawn("sleep", ["60"], { cwd: dir, env: process.env, onLine: () => {} });
    const other = theirs.spawn("sleep", ["60"], { cwd: dir, env: process.env, onLine: () => {} });
    theirs.close();
    expect(await gone(other.child.pid!)).toBe(true);
    expect(alive(render.child.pid!)).toBe(true);
    expect(readdirSync(join(dir, "a"))).toEqual([String(render.pgid)]);
    mine.close();
    expect(await gone(render.child.pid!)).toBe(true);
  });
});
