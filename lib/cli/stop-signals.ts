/**
 * Ctrl-C for `burstfarm start`: the first stops the farm cleanly (agents drain, servers close,
 * the clock is saved); another one at least a second later forces the exit. Closer together it is
 * the same keypress delivered twice — under `npm start` the terminal signals the whole process
 * group and tsx forwards the signal as well — and is ignored, so one Ctrl-C never skips the clean stop.
 */
export type StopSignal = "stop" | "force" | "ignore";

export function stopSignals(realNow: () => number = Date.now, minGapMs = 1_000): () => StopSignal {
  let first: number | undefined;
  return () => {
    const t = realNow();
    if (first === undefined) { first = t; return "stop"; }
    return t - first >= minGapMs ? "force" : "ignore";
  };
}
