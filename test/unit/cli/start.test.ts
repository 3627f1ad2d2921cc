import { describe, expect, it, vi } from "vitest";
import { run } from "../../../lib/cli/plan-sample-command.ts";

async function capture(argv: string[]) {
  let out = "";
  let err = "";
  const o = vi.spyOn(process.stdout, "write").mockImplementation((s) => { out += String(s); return true; });
  const e = vi.spyOn(process.stderr, "write").mockImplementation((s) => { err += String(s); return true; });
  try {
    return { code: await run(argv), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe("burstfarm plan-sample", () => {
  it("plans the bundled sample farm and prints every job with its reason", async () => {
    const { code, out } = await capture([]);
    expect(code).toBe(0);
    for (const job of ["har-ep3-render", "neb-sq040-lighting", "neb-sq040-comp", "spark-bumper"]) expect(out).toContain(job);
    expect(out).toMatch(/waiting for job neb-sq040-lighting/);
    expect(out).toMatch(/tariff: .* cheaper/);
    expect(out).toMatch(/× g5\.\dxlarge \((spot|on-demand)\) for harbor/);
  });

  it("prints the same plan as JSON, deterministically", async () => {
    const a = JSON.parse((await capture(["--json"])).out);
    const b = JSON.parse((await capture(["--json", "--at", "2026-11-24T00:00:00Z"])).out);
    expect(a).toEqual(b);
    expect(a.jobs).toHaveLength(7);
  });

  it("rejects a bad --at with the option named", async () => {
    const { code, err } = await capture(["--at", "tomorrow"]);
    expect(code).toBe(2);
    expect(err).toBe('--at: "tomorrow" is not an ISO date-time\n');
  });
});
