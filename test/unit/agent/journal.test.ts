import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Journal, type TerminalReport } from "../../../lib/agent/journal.ts";

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const report = (n: number): TerminalReport => ({ taskId: `job-1:render:${n}`, token: `tok-${n}`, state: "succeeded", endedAt: 1000 + n });

describe("the offline journal", () => {
  it("keeps unacknowledged reports across a restart, in the order they happened", () => {
    dir = mkdtempSync(join(tmpdir(), "bf-journal-"));
    const file = join(dir, "journal.jsonl");
    const j = new Journal(file);
    [1, 2, 3].forEach((n) => j.record(report(n)));
    j.ack("tok-2");
    expect(new Journal(file).pending().map((r) => r.token)).toEqual(["tok-1", "tok-3"]);
  });

  it("ignores a line torn by a crash mid-write", () => {
    dir = mkdtempSync(join(tmpdir(), "bf-journal-"));
    const file = join(dir, "journal.jsonl");
    new Journal(file).record(report(1));
    appendFileSync(file, '{"report":{"taskId":"job-1:ren');
    expect(new Journal(file).pending()).toEqual([report(1)]);
  });

  it("compacts to nothing once everything is acknowledged; a repeated ack is harmless", () => {
    dir = mkdtempSync(join(tmpdir(), "bf-journal-"));
    const file = join(dir, "journal.jsonl");
    const j = new Journal(file);
    j.record(report(1));
    j.ack("tok-1");
    j.ack("tok-1");
    expect(readFileSync(file, "utf8")).toBe("");
    expect(j.pending()).toEqual([]);
  });
});
