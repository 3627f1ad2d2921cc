import { mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LocalFiles, type FarmState } from "../../../lib/local/local-files.ts";

const state = (clockAt: number): FarmState => ({ clockAt, speed: 60, tokenKeys: { current: "k1", keys: { k1: "x".repeat(43) } }, starts: 1, nodeSecrets: { n1: "s" } });

describe("the local farm's files", () => {
  it("replaces state.json whole (write beside, then rename), leaving no temporary file", () => {
    const files = new LocalFiles(mkdtempSync(join(tmpdir(), "burstfarm-files-")));
    files.ensure();
    files.writeState(state(1));
    const first = statSync(files.statePath).ino;
    files.writeState(state(2));
    // A rename puts a new file in place; an in-place rewrite (truncate, write) would keep the inode and could be torn.
    expect(statSync(files.statePath).ino).not.toBe(first);
    expect(files.readState()).toEqual(state(2));
    expect(readdirSync(files.dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expect(statSync(files.statePath).mode & 0o777).toBe(0o600);
  });
});
