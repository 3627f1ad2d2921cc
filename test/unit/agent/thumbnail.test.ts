import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { makeThumbnail, pngSize, thumbnailSize } from "../../../lib/agent/thumbnail.ts";

/** A real PNG file whose pixel (x, y) is `colour(x, y)` as [r, g, b, a]. */
function png(width: number, height: number, colour: (x: number, y: number) => number[]): Buffer {
  const p = new PNG({ width, height });
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) p.data.set(colour(x, y), (y * width + x) * 4);
  return PNG.sync.write(p);
}
const pixel = (img: PNG, x: number, y: number) => [...img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4)];

describe("a frame's thumbnail", () => {
  it("halves a 512×256 frame to 256×128, each pixel the mean of its 2×2 block", () => {
    // Checkerboard rows: r alternates 0/200 along x, g 0/100 along y, b constant.
    const src = png(512, 256, (x, y) => [(x % 2) * 200, (y % 2) * 100, 50, 255]);
    const t = makeThumbnail(src);
    const img = PNG.sync.read(t.png);
    expect([t.width, t.height, img.width, img.height]).toEqual([256, 128, 256, 128]);
    for (const [x, y] of [[0, 0], [17, 99], [255, 127]] as const) expect(pixel(img, x, y)).toEqual([100, 50, 50, 255]);
  });

  it("keeps the picture: a left-dark, right-bright frame stays so at the seam's exact column", () => {
    const src = png(1024, 512, (x) => (x < 512 ? [0, 0, 0, 255] : [240, 240, 240, 255]));
    const img = PNG.sync.read(makeThumbnail(src).png);
    expect(img.width).toBe(256);
    expect(pixel(img, 127, 10)).toEqual([0, 0, 0, 255]);
    expect(pixel(img, 128, 10)).toEqual([240, 240, 240, 255]);
  });

  it("weights colour by alpha: transparent red beside opaque blue averages to half-transparent blue", () => {
    const src = png(512, 2, (x) => (x % 2 === 0 ? [255, 0, 0, 0] : [0, 0, 255, 255]));
    const img = PNG.sync.read(makeThumbnail(src).png);
    expect([img.width, img.height]).toEqual([256, 1]);
    expect(pixel(img, 3, 0)).toEqual([0, 0, 255, 128]);
  });

  it("averages by area when the ratio is not whole: 300×100 → 256×85, a flat colour stays exact", () => {
    const t = makeThumbnail(png(300, 100, () => [10, 130, 250, 255]));
    const img = PNG.sync.read(t.png);
    expect([img.width, img.height]).toEqual([256, 85]);
    for (const [x, y] of [[0, 0], [128, 42], [255, 84]] as const) expect(pixel(img, x, y)).toEqual([10, 130, 250, 255]);
  });

  it("portrait frames are bounded by their height, and small frames are never enlarged", () => {
    expect(thumbnailSize(1080, 1920)).toEqual({ width: 144, height: 256 });
    expect(thumbnailSize(4000, 3)).toEqual({ width: 256, height: 1 });
    const small = makeThumbnail(png(100, 50, (x) => [x, 0, 0, 255]));
    expect([small.width, small.height]).toEqual([100, 50]);
    expect(pixel(PNG.sync.read(small.png), 42, 7)).toEqual([42, 0, 0, 255]);
  });

  it("refuses what is not a PNG, and reads the size from the header alone", () => {
    expect(() => makeThumbnail(Buffer.from("not an image"))).toThrow(/not a PNG/);
    expect(pngSize(png(640, 360, () => [0, 0, 0, 255]))).toEqual({ width: 640, height: 360 });
    expect(pngSize(Buffer.from("GIF89a..."))).toBeUndefined();
  });
});
