/**
 * What succeeded tasks wrote, for the monitor's "Latest frames": the frames an agent reports
 * with a success (output keys and thumbnail keys, never bytes), the list of a job's latest
 * frames and a frame's thumbnail image.
 */
import { z } from "zod";
import { maxListedFrames, maxOutputsPerTask } from "../../service/monitor/task-outputs.ts";
import { defineRoute } from "../route.ts";
import { id, isoOut } from "./common.ts";

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

export const jobOutputView = z.object({
  taskId: z.string(),
  stepName: z.string(),
  taskIndex: z.number(),
  frame: z.number(),
  key: z.string().describe("Output store key of the frame"),
  preview: z.boolean().describe("A preview: a low-quality or progressive pass, a preview step, or a task the preview-first order renders first"),
  hasThumbnail: z.boolean().describe("GET …/outputs/{taskId}/{n}/thumbnail has an image"),
  settledAt: isoOut,
});

export const listJobOutputs = defineRoute({
  operationId: "listJobOutputs", method: "GET", path: "/jobs/{id}/outputs", tag: "jobs",
  summary: "The job's latest finished frames, newest first, preview frames marked", accepts: ["client", "operator"],
  params: z.strictObject({ id }),
  query: z.strictObject({
    limit: z.coerce.number({ error: "expected a number" }).int("expected an integer").min(1).max(maxListedFrames).default(12),
  }),
  response: z.object({ jobId: z.string(), items: z.array(jobOutputView) }),
});

const frameParams = z.strictObject({
  id, taskId: z.string().min(1).max(400),
  n: z.string().regex(/^-?\d{1,10}$/, "expected a frame number (an integer)").transform(Number),
});
const imageBytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, "expected the image bytes");

export const getFrameThumbnail = defineRoute({
  operationId: "getFrameThumbnail", method: "GET", path: "/jobs/{id}/outputs/{taskId}/{n}/thumbnail", tag: "jobs",
  summary: "A finished frame's thumbnail (PNG, at most 256 px on the long side)", accepts: ["client", "operator"],
  params: frameParams, produces: "image/png", response: imageBytes,
});

export const getFrameImage = defineRoute({
  operationId: "getFrameImage", method: "GET", path: "/jobs/{id}/outputs/{taskId}/{n}/image", tag: "jobs",
  summary: "A finished frame itself when it is a PNG of at most 4 MB (else 404: the thumbnail is what the monitor shows)", accepts: ["client", "operator"],
  params: frameParams, produces: "image/png", response: imageBytes,
});
