/** The commander CLI without a farm: help everywhere, usage errors with suggestions, exit codes, submit bodies. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ApiError } from "../../../lib/http/client/api-client.ts";
import { exitCodeOf } from "../../../lib/cli/exit-codes.ts";
import { parseInstant } from "../../../lib/cli/format.ts";
import { runCli } from "../../../lib/cli/program.ts";
import { submissionBody } from "../../../lib/cli/submission.ts";

const empty = mkdtempSync(join(tmpdir(), "burstfarm-cli-"));
const noFarm = { BURSTFARM_HOME: empty, HOME: empty };

async function cli(argv: string[], env: NodeJS.ProcessEnv = noFarm) {
  let out = "";
  let err = "";
  const saved = process.env.BURSTFARM_HOME;
  process.env.BURSTFARM_HOME = env.BURSTFARM_HOME;
  try {
    const code = await runCli(argv, { out: { write: (s: string) => { out += s; } }, err: { write: (s: string) => { err += s; } } }, env);
    return { code, out, err };
  } finally {
    if (saved === undefined) delete process.env.BURSTFARM_HOME; else process.env.BURSTFARM_HOME = saved;
  }
}

describe("burstfarm CLI", () => {
  it("prints help for the program and for every command, with exit 0", async () => {
    const top = await cli(["--help"]);
    expect(top.code).toBe(0);
    for (const c of ["submit", "jobs", "job", "why", "edit", "cancel", "approve", "logs", "nodes", "drain", "enable", "clients", "usage", "audit", "start", "agent", "sim", "openjd"]) {
      expect(top.out).toMatch(new RegExp(`\\n  ${c}\\b`));
    }
    expect(top.out).toContain("Exit codes: 0 ok, 1 failure, 2 usage or invalid input, 3 not found, 4 conflict.");
    for (const c of ["submit", "jobs", "edit", "nodes", "usage", "start", "agent", "openjd expand"]) {
      const r = await cli([...c.split(" "), "--help"]);
      expect(r.code, c).toBe(0);
      expect(r.out, c).toMatch(/^Usage: burstfarm /);
    }
  });

  it("names an unknown command or flag, suggests the closest, and exits 2", async () => {
    const cmd = await cli(["jbos"]);
    expect(cmd.code).toBe(2);
    expect(cmd.err).toContain("unknown command 'jbos'");
    expect(cmd.err).toContain("Did you mean jobs?");
    const flag = await cli(["jobs", "--stauts", "done"]);
    expect(flag.code).toBe(2);
    expect(flag.err).toContain("Did you mean --status?");
    const choice = await cli(["jobs", "--status", "finished"]);
    expect(choice.code).toBe(2);
    expect(choice.err).toContain("Allowed choices are queued, running, suspended, done, failed, canceled");
  });

  it("refuses a cloud ceiling on `start` that is not a positive number, naming the flag, before starting anything", async () => {
    const spend = await cli(["start", "--max-spend-per-hour", "-3"]);
    expect(spend.code).toBe(2);
    expect(spend.err).toContain('--max-spend-per-hour: expected a positive number, got "-3"');
    const instances = await cli(["start", "--max-instances", "2.5"]);
    expect(instances.code).toBe(2);
    expect(instances.err).toContain('--max-instances: expected a positive whole number, got "2.5"');
    expect(instances.err).not.toMatch(/NaN/);
  });

  it("says where to find an API when there is none, and refuses --api without a token", async () => {
    const none = await cli(["jobs"]);
    expect(none.code).toBe(1);
    expect(none.err).toContain("start a local farm with `npm start`");
    const tokenless = await cli(["--api", "http://127.0.0.1:9", "jobs"]);
    expect(tokenless.code).toBe(2);
    expect(tokenless.err).toContain("--api needs a token");
  });

  it("maps API answers to exit codes: 400 → 2, 404 → 3, 409 → 4, unreachable → 1", () => {
    expect(exitCodeOf(new ApiError(400, "validation_failed", "x"))).toBe(2);
    expect(exitCodeOf(new ApiError(404, "not_found", "x"))).toBe(3);
    expect(exitCodeOf(new ApiError(409, "conflict", "x"))).toBe(4);
    expect(exitCodeOf(new ApiError(0, "unreachable", "x"))).toBe(1);
  });

  it("builds POST /jobs bodies from a native file, an OpenJD template with --param, and flags", () => {
    const native = join(empty, "shot.json");
    writeFileSync(native, JSON.stringify({ name: "sh010", frames: "1-10", secondsPerFrame: 60 }));
    expect(submissionBody(native, { priority: 70, deadline: "2026-11-24T18:00:00.000Z" }))
      .toEqual({ name: "sh010", frames: "1-10", secondsPerFrame: 60, priority: 70, deadline: "2026-11-24T18:00:00.000Z" });
    const template = join(empty, "t.yaml");
    writeFileSync(template, "specificationVersion: jobtemplate-2023-09\nname: x\nsteps:\n- name: s\n  script: {actions: {onRun: {command: echo}}}\n");
    expect(submissionBody(template, { param: ["Frames=1-5"], secondsPerTask: 30 })).toMatchObject({ parameters: { Frames: "1-5" }, secondsPerTask: 30 });
    expect(() => submissionBody(native, { param: ["A=1"] })).toThrow("--param applies to OpenJD templates");
    expect(() => submissionBody(join(empty, "missing.json"), {})).toThrow("no such file");
  });

  it("reads deadlines as ISO with a zone or relative to the farm's clock", () => {
    const now = Date.parse("2026-11-24T16:00:00Z");
    expect(parseInstant("+90m", now)).toBe("2026-11-24T17:30:00.000Z");
    expect(parseInstant("2026-11-25T01:00:00Z", now)).toBe("2026-11-25T01:00:00.000Z");
    expect(parseInstant("none", now)).toBeNull();
    expect(parseInstant("2026-11-25 01:00", now)).toBeUndefined();
  });
});
