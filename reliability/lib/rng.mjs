// @ts-check
// Seeded randomness for the reliability suite: the same seed gives the same faults, sizes and
// crash points on every run, so a failure can be replayed (`V2_RELIABILITY_SEED`).

/** mulberry32: a small, fast 32-bit PRNG with a good spread; returns floats in [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [min, max] (both inclusive) from `random`. */
export const randomInt = (random, min, max) => min + Math.floor(random() * (max - min + 1));
