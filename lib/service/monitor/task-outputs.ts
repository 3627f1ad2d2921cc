/**
 * What a succeeded task wrote, as its agent reported it: per frame the output key, its
 * thumbnail's key and whether it is a preview (keys in the output store, never bytes).
 */

/** Frames an agent reports per task (the latest it wrote). */
export const maxOutputsPerTask = 16;

export interface FrameOutput {
  /** Output store key of the frame (under the task's `jobs/<job>/<step>/`). */
  key: string;
  frame: number;
  /** Output store key of its thumbnail PNG (`<prefix>thumbs/…`), absent when none could be made. */
  thumbnail?: string;
  /** Rendered as a preview (a low-quality pass, or a progressive pass not yet final). */
  preview: boolean;
}
