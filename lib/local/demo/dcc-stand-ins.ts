/**
 * The demo's OpenJD sample calls `blender`; no DCC is installed on a laptop running the demo.
 * Agents of this process find a stand-in first on their PATH (bin/blender: real PNGs, a fixed
 * time per frame). Set once per process, before the agents start their sessions.
 */
import { delimiter } from "node:path";
import { fileURLToPath } from "node:url";

/** Reference seconds per frame of the demo's OpenJD job (also its `secondsPerTask`). */
export const dccSecondsPerFrame = 180;

export function useDccStandIns(speed: number, env: NodeJS.ProcessEnv = process.env): void {
  const bin = fileURLToPath(new URL("./bin", import.meta.url));
  if (!(env.PATH ?? "").split(delimiter).includes(bin)) env.PATH = `${bin}${delimiter}${env.PATH ?? ""}`;
  env.BURSTFARM_DCC_FRAME_MS = String(Math.round((dccSecondsPerFrame * 1000) / speed));
}
