import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { spawnGroup, trackProcessGroups } from "../../../lib/agent/process-tree.ts";

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

describe("process groups the agent starts", () => {
  it("are recorded under the work dir, so an agent restarted after kill -9 kills what the last one left running", async () => {
    dir = mkdtempSync(join(tmpdir(), "bf-pids-"));
    const pids = join(dir, "pids");
    trackProcessGroups(pids);
    const lines: string[] = [];
    // A renderer whose own child outlives it would be the zombie holding a licence.
    const leader = spawnGroup("bash", ["-c", "sleep 60 & echo $!"], { cwd: dir, env: process.env, onLine: (l) => lines.push(l) });
    await leader.exited;
    const orphan = Number(lines[0]);
    expect(alive(orphan)).toBe(true);
    expect(readdirSync(pids)).toEqual([String(leader.pgid)]);
    // What a fresh agent does at start-up:
    expect(trackProcessGroups(pids)).toBe(1);
    for (let i = 0; i < 100 && alive(orphan); i++) await new Promise((r) => setTimeout(r, 20));
    expect(alive(orphan)).toBe(false);
    expect(readdirSync(pids)).toEqual([]);
  });
});
