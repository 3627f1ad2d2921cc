import type { ServiceDeps } from "./ports.ts";

/** Return every lapsed lease's task to pending (also done at the start of each planning cycle). */
export async function reclaimExpiredLeases(deps: ServiceDeps): Promise<{ reclaimed: number }> {
  void deps;
  throw new Error("reclaimExpiredLeases: not implemented yet");
}
