import { describe, expect, it } from "vitest";
import { stopSignals } from "../../../lib/cli/stop-signals.ts";

describe("Ctrl-C on a running local farm", () => {
  it("stops cleanly first; a second Ctrl-C a second or more later forces the exit", () => {
    let t = 0;
    const signal = stopSignals(() => t);
    expect(signal()).toBe("stop");
    t = 1_000;
    expect(signal()).toBe("force");
  });

  it("ignores the same keypress delivered twice (npm and tsx both forward it)", () => {
    let t = 0;
    const signal = stopSignals(() => t);
    expect(signal()).toBe("stop");
    t = 5;
    expect(signal()).toBe("ignore");
    t = 999;
    expect(signal()).toBe("ignore");
    t = 1_500;
    expect(signal()).toBe("force");
  });
});
