// One replica of the fleet-merge test: records latencies from its own distribution into a
// WindowedHistogram and prints its sketch (as JSON data) and the raw samples, one JSON line.
import { WindowedHistogram } from "../windowed-histogram.js";

const seed = Number(process.argv[2]);
const count = Number(process.argv[3]);
let a = seed;
const random = () => {
  a = (a + 0x6d2b79f5) | 0;
  let t = Math.imul(a ^ (a >>> 15), 1 | a);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
// Log-normal latencies whose median and spread differ per replica, with a slow tail on one.
const median = 40 * (1 + (seed % 4));
const samples: number[] = [];
const histogram = new WindowedHistogram({ windowMs: 60_000 });
for (let i = 0; i < count; i++) {
  const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  let ms = median * Math.exp(0.6 * normal);
  if (seed % 4 === 3 && random() < 0.03) ms *= 20;
  samples.push(ms);
  histogram.record(ms);
}
process.stdout.write(`${JSON.stringify({ sketch: histogram.sketch().toJSON(), samples })}\n`);
