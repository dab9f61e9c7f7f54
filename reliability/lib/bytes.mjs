// @ts-check
// The bytes of a test file, from its seed alone: the page builds the File from this and Node
// builds the same bytes to compute the MD5 it expects, independently of the browser's hasher.
// Printable ASCII with newlines (a valid text/plain document for the core's content check),
// starting with the seed so that no two seeds share content (the backend deduplicates by MD5).

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:-\n';
const TABLE = new Uint8Array(256);
for (let i = 0; i < 256; i++) TABLE[i] = ALPHABET.charCodeAt(i % ALPHABET.length);

/**
 * `size` bytes for `seed` (xorshift32 stream mapped onto printable ASCII).
 * @param {number} seed @param {number} size @returns {Uint8Array}
 */
export function fileBytes(seed, size) {
  const out = new Uint8Array(size);
  const words = new Uint32Array(out.buffer, 0, size >>> 2);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    words[i] = x;
  }
  for (let i = words.length * 4; i < size; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  for (let i = 0; i < size; i++) out[i] = TABLE[out[i]];
  const header = `seed ${seed}\n`;
  for (let i = 0; i < header.length && i < size; i++) out[i] = header.charCodeAt(i);
  return out;
}

/** The file name a seed is uploaded under. */
export const fileName = (seed) => `rel-${seed}.txt`;
