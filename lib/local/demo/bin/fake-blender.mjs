// A stand-in for `blender --background SCENE --render-output DIR/PATTERN --render-format PNG
// --use-extension 1 --render-frame N`, so the Deadline Cloud blender_render sample runs through a
// real OpenJD session in the local farm: it takes BURSTFARM_DCC_FRAME_MS (real ms) per frame and
// writes a real PNG where Blender would (#### → the zero-padded frame, plus ".png").
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { PNG } from "pngjs";

const args = process.argv.slice(2);
const value = (flag) => { const i = args.indexOf(flag); return i >= 0 ? args[i + 1] : undefined; };
const output = value("--render-output");
const frame = Number(value("--render-frame"));
if (!output || !Number.isInteger(frame)) {
  console.error("fake blender: needs --render-output PATTERN and --render-frame N");
  process.exit(2);
}
const file = `${output.replace(/#+/, (h) => String(frame).padStart(h.length, "0"))}.png`;
console.log(`Fra:${frame} rendering (local farm stand-in for Blender) → ${file}`);
await new Promise((r) => setTimeout(r, Number(process.env.BURSTFARM_DCC_FRAME_MS ?? 1000)));
const png = new PNG({ width: 160, height: 90 });
for (let y = 0; y < png.height; y++) {
  for (let x = 0; x < png.width; x++) {
    const i = (y * png.width + x) * 4;
    png.data[i] = (x * 3 + frame * 17) % 256; png.data[i + 1] = (y * 5 + frame * 7) % 256; png.data[i + 2] = 160; png.data[i + 3] = 255;
  }
}
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, PNG.sync.write(png));
console.log(`Saved: '${file}'`);
