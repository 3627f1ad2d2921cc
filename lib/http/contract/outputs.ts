/**
 * What succeeded tasks wrote, for the monitor's "Latest frames": the frames an agent reports
 * with a success (output keys and thumbnail keys, never bytes), the list of a job's latest
 * frames and a frame's thumbnail image.
 */
import { z } from "zod";
import { maxOutputsPerTask } from "../../service/monitor/task-outputs.ts";

/** S3's key limit. */
const storeKey = z.string().min(1).max(1024);

/** One frame as the agent reports it (poll and complete bodies). */
export const frameOutputBody = z.strictObject({
  key: storeKey.describe("Output store key of the frame, under the task's jobs/<job>/<step>/"),
  frame: z.number().int().min(-1_000_000_000).max(1_000_000_000),
  thumbnail: storeKey.optional().describe("Output store key of its thumbnail PNG (≤256 px on the long side), under <prefix>thumbs/"),
  preview: z.boolean(),
});

export const frameOutputsBody = z.array(frameOutputBody).max(maxOutputsPerTask, `at most ${maxOutputsPerTask} frames a report`);
