// bench/flatbush/bench.mjs - flatbush on the data of bench_rtree.c.
//   node bench.mjs --dist D --data DIR [--reps R]
// Prints one RESULT line in the format of bench_rtree.c. flatbush is
// installed by run_rtree_bench.sh (npm install in this folder).
import Flatbush from 'flatbush';
import { readFileSync, writeFileSync, unlinkSync } from 'node:fs';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((a, v, i, s) => (i % 2 ? a : [...a, [v.slice(2), s[i + 1]]]), []));
const dist = args.dist || 'uniform', dir = args.data || '.', reps = +(args.reps || 5);
const f64 = (name) => { const b = readFileSync(`${dir}/${name}`); return new Float64Array(b.buffer, b.byteOffset, b.length / 8); };
const boxes = f64(`boxes_${dist}.f64`), wins = f64(`windows_${dist}.f64`), pts = f64(`knn_${dist}.f64`);
const n = boxes.length / 4, K = 10;
const median = (v) => { v.sort((a, b) => a - b); const m = v.length >> 1; return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2; };
const now = () => Number(process.hrtime.bigint()) / 1e9;

let tb = [], tq = [], tk = [], index = null, indexMiB = 0, peakMiB = 0;
for (let r = 0; r < reps; r++) {
  index = null;
  if (global.gc) global.gc();
  const before = process.memoryUsage().rss;
  const t0 = now();
  const t = new Flatbush(n, 16, Float64Array);
  for (let i = 0; i < n; i++) t.add(boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3]);
  t.finish();
  tb.push(now() - t0);
  index = t;
  if (r === 0) { indexMiB = t.data.byteLength / 1048576; peakMiB = (process.memoryUsage().rss - before) / 1048576; }
}
let hits = 0n, sum = 0n;
for (let r = 0; r < reps; r++) {
  let h = 0, s = 0;
  const t0 = now();
  for (let i = 0; i < wins.length / 4; i++) {
    const res = index.search(wins[4 * i], wins[4 * i + 1], wins[4 * i + 2], wins[4 * i + 3]);
    h += res.length;
    for (const id of res) s += id;
  }
  tq.push(now() - t0);
  hits = BigInt(h); sum = BigInt(s);
}
const res = new Array(pts.length / 2);
for (let r = 0; r < reps; r++) {
  const t0 = now();
  for (let i = 0; i < pts.length / 2; i++) res[i] = index.neighbors(pts[2 * i], pts[2 * i + 1], K);
  tk.push(now() - t0);
}
let knnsum = 0;
for (let i = 0; i < pts.length / 2; i++) {
  const x = pts[2 * i], y = pts[2 * i + 1];
  for (const id of res[i]) {
    const dx = Math.max(boxes[4 * id] - x, x - boxes[4 * id + 2], 0), dy = Math.max(boxes[4 * id + 1] - y, y - boxes[4 * id + 3], 0);
    knnsum += dx * dx + dy * dy;
  }
}
// Open time of a saved index, as bench_rtree.c measures it: read the file
// (it is in the page cache), Flatbush.from() and one window query.
const saved = `${dir}/bench_flatbush_${dist}.idx`;
writeFileSync(saved, new Uint8Array(index.data));
const want = index.search(wins[0], wins[1], wins[2], wins[3]).length;
const topen = [];
for (let r = 0; r < Math.max(reps, 5); r++) {
  const t0 = now();
  const buf = readFileSync(saved);
  const ab = buf.byteOffset === 0 && buf.length === buf.buffer.byteLength
    ? buf.buffer : buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length);
  const got = Flatbush.from(ab).search(wins[0], wins[1], wins[2], wins[3]).length;
  topen.push(now() - t0);
  if (got !== want) { console.error('flatbush: opened index differs!'); process.exitCode = 1; }
}
unlinkSync(saved);
console.log(`RESULT lib=flatbush dist=${dist} node=16 build_s=${median(tb).toFixed(4)} query_s=${median(tq).toFixed(4)} ` +
  `knn_s=${median(tk).toFixed(4)} hits=${hits} hitsum=${sum} knnsum=${knnsum} index_mib=${indexMiB.toFixed(1)} ` +
  `peak_mib=${peakMiB.toFixed(1)} exact_mib=${indexMiB.toFixed(2)} open_s=${median(topen).toFixed(6)} open_nv_s=nan`);
