/**
 * A frame's thumbnail: decode the PNG (any bit depth / colour type pngjs reads; 16-bit is
 * rescaled to 8), shrink it so the long side is at most `maxSide` pixels by box averaging
 * (every source pixel counts once, weighted by the area it shares with the target pixel and by
 * its alpha, so edges of transparent areas do not darken), and encode an 8-bit RGBA PNG.
 * Images already small enough are re-encoded at their own size, never enlarged.
 */
import { PNG } from "pngjs";

export const thumbnailMaxSide = 256;
/** Larger images are not decoded (a 64-megapixel RGBA frame is 256 MB in memory). */
export const maxThumbnailSourcePixels = 64 * 1024 * 1024;

export interface Thumbnail {
  png: Buffer;
  width: number;
  height: number;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from the IHDR chunk, or undefined when `bytes` is not a PNG. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < 24 || !b.subarray(0, 8).equals(PNG_SIGNATURE) || b.toString("latin1", 12, 16) !== "IHDR") return undefined;
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** Target size: the long side `maxSide` (or the image's own when smaller), the other in proportion, at least 1. */
export function thumbnailSize(width: number, height: number, maxSide = thumbnailMaxSide): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** Throws when `bytes` is not a PNG pngjs can read, or is too large to decode here. */
export function makeThumbnail(bytes: Uint8Array, maxSide = thumbnailMaxSide): Thumbnail {
  const size = pngSize(bytes);
  if (!size) throw new Error("not a PNG image");
  if (size.width * size.height > maxThumbnailSourcePixels) throw new Error(`${size.width}×${size.height} is too large to thumbnail`);
  const src = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const { width, height } = thumbnailSize(src.width, src.height, maxSide);
  const out = new PNG({ width, height });
  boxAverage(src.data, src.width, src.height, out.data, width, height);
  return { png: PNG.sync.write(out), width, height };
}

/** Area-weighted box filter over RGBA rows; colour is averaged premultiplied by alpha. */
function boxAverage(src: Uint8Array, sw: number, sh: number, dst: Uint8Array, dw: number, dh: number): void {
  const xs = spans(sw, dw);
  const ys = spans(sh, dh);
  for (let oy = 0; oy < dh; oy++) {
    for (let ox = 0; ox < dw; ox++) {
      let r = 0, g = 0, b = 0, a = 0, area = 0;
      for (const [y, wy] of ys[oy]!) {
        for (const [x, wx] of xs[ox]!) {
          const w = wx * wy;
          const i = (y * sw + x) * 4;
          const alpha = src[i + 3]! * w;
          r += src[i]! * alpha; g += src[i + 1]! * alpha; b += src[i + 2]! * alpha;
          a += alpha; area += w;
        }
      }
      const o = (oy * dw + ox) * 4;
      dst[o] = a > 0 ? Math.round(r / a) : 0;
      dst[o + 1] = a > 0 ? Math.round(g / a) : 0;
      dst[o + 2] = a > 0 ? Math.round(b / a) : 0;
      dst[o + 3] = Math.round(a / area);
    }
  }
}

/** For each target index, the source indexes it covers with the fraction of each it covers. */
function spans(srcLen: number, dstLen: number): [number, number][][] {
  const step = srcLen / dstLen;
  return Array.from({ length: dstLen }, (_, o) => {
    const from = o * step;
    const to = from + step;
    const cells: [number, number][] = [];
    for (let s = Math.floor(from); s < Math.min(srcLen, Math.ceil(to)); s++) {
      const w = Math.min(to, s + 1) - Math.max(from, s);
      if (w > 1e-9) cells.push([s, w]);
    }
    return cells;
  });
}
