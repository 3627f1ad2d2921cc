/**
 * The simulated renderer's picture: a Mandelbrot view that drifts with the frame number.
 * Pass p of n samples one pixel per block of 2^(n-p) pixels with more iterations each pass,
 * so early passes are blocky and coarse and the last one is sharp — like a progressive renderer.
 */
import { PNG } from "pngjs";

export function renderPass(frame: number, pass: number, passes: number, width: number, height: number, complexity: number): Buffer {
  const png = new PNG({ width, height });
  const block = 2 ** Math.max(0, passes - pass);
  const maxIter = Math.max(8, Math.round(24 * complexity * pass));
  const zoom = 2.6 / (1 + (frame % 240) * 0.02);
  const cx = -0.745 + 0.01 * Math.sin(frame / 24);
  const cy = 0.113 + 0.01 * Math.cos(frame / 24);
  for (let by = 0; by < height; by += block) {
    for (let bx = 0; bx < width; bx += block) {
      const x0 = cx + ((bx / width) - 0.5) * zoom * (width / height);
      const y0 = cy + ((by / height) - 0.5) * zoom;
      const [r, g, b] = shade(escapeTime(x0, y0, maxIter), maxIter);
      for (let y = by; y < Math.min(height, by + block); y++) {
        for (let x = bx; x < Math.min(width, bx + block); x++) {
          const i = (y * width + x) * 4;
          png.data[i] = r; png.data[i + 1] = g; png.data[i + 2] = b; png.data[i + 3] = 255;
        }
      }
    }
  }
  return PNG.sync.write(png);
}

function escapeTime(x0: number, y0: number, maxIter: number): number {
  let x = 0;
  let y = 0;
  let i = 0;
  while (x * x + y * y <= 4 && i < maxIter) {
    const t = x * x - y * y + x0;
    y = 2 * x * y + y0;
    x = t;
    i++;
  }
  return i;
}

function shade(i: number, maxIter: number): [number, number, number] {
  if (i >= maxIter) return [8, 8, 16];
  const t = i / maxIter;
  return [Math.round(255 * t), Math.round(255 * Math.sqrt(t) * 0.7), Math.round(255 * (1 - t) * 0.9)];
}
