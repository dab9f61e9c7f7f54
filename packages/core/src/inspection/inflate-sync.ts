// A small synchronous inflate (RFC 1951, with the zlib wrapper of RFC 1950 skipped), for the
// many tiny streams a PDF holds (page contents, object streams, xref streams): the platform's
// DecompressionStream costs a few milliseconds of stream machinery per call, this a few
// microseconds for a 1 KiB stream. Larger streams go to DecompressionStream (source.ts).

class Huffman {
  /** counts[len]: codes of each length; symbols: sorted by code. */
  readonly counts = new Uint16Array(16);
  readonly symbols: Uint16Array;

  constructor(lengths: Uint8Array) {
    this.symbols = new Uint16Array(lengths.length);
    for (const len of lengths) this.counts[len] = (this.counts[len] ?? 0) + 1;
    this.counts[0] = 0;
    const offsets = new Uint16Array(16);
    for (let i = 1; i < 16; i++) offsets[i] = (offsets[i - 1] ?? 0) + (this.counts[i - 1] ?? 0);
    for (let s = 0; s < lengths.length; s++) {
      const len = lengths[s] ?? 0;
      if (len !== 0) this.symbols[offsets[len]!++] = s;
    }
  }
}

const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
const CODE_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

let fixed: [Huffman, Huffman] | undefined;
function fixedTrees(): [Huffman, Huffman] {
  if (fixed === undefined) {
    const lit = new Uint8Array(288);
    lit.fill(8, 0, 144);
    lit.fill(9, 144, 256);
    lit.fill(7, 256, 280);
    lit.fill(8, 280, 288);
    fixed = [new Huffman(lit), new Huffman(new Uint8Array(30).fill(5))];
  }
  return fixed;
}

class OutOfInput extends Error {}

/**
 * Inflates `data` (zlib when `zlib`, else raw deflate). Returns what was produced, possibly
 * partial when the input ends early or is corrupt after some output (as readers tolerate);
 * undefined when nothing could be produced. Stops at `maxSize` bytes.
 */
export function inflateSync(data: Uint8Array, zlib: boolean, maxSize: number): Uint8Array | undefined {
  let pos = zlib ? 2 : 0;
  let bitBuf = 0;
  let bitCount = 0;
  let out = new Uint8Array(Math.max(1024, data.length * 4));
  let outLen = 0;
  const bits = (n: number): number => {
    while (bitCount < n) {
      if (pos >= data.length) throw new OutOfInput();
      bitBuf |= (data[pos++] ?? 0) << bitCount;
      bitCount += 8;
    }
    const value = bitBuf & ((1 << n) - 1);
    bitBuf >>>= n;
    bitCount -= n;
    return value;
  };
  const decode = (tree: Huffman): number => {
    let code = 0;
    let first = 0;
    let index = 0;
    for (let len = 1; len < 16; len++) {
      code |= bits(1);
      const count = tree.counts[len] ?? 0;
      if (code - first < count) return tree.symbols[index + code - first] ?? 0;
      index += count;
      first = (first + count) << 1;
      code <<= 1;
    }
    throw new SyntaxError('Bad Huffman code.');
  };
  const ensure = (extra: number) => {
    if (outLen + extra <= out.length) return;
    const grown = new Uint8Array(Math.max(out.length * 2, outLen + extra));
    grown.set(out.subarray(0, outLen));
    out = grown;
  };
  try {
    let last = 0;
    while (last === 0 && outLen < maxSize) {
      last = bits(1);
      const type = bits(2);
      if (type === 0) {
        bitBuf = 0;
        bitCount = 0;
        if (pos + 4 > data.length) throw new OutOfInput();
        const len = (data[pos] ?? 0) | ((data[pos + 1] ?? 0) << 8);
        pos += 4;
        const chunk = data.subarray(pos, pos + len);
        ensure(chunk.length);
        out.set(chunk, outLen);
        outLen += chunk.length;
        pos += len;
        if (chunk.length < len) throw new OutOfInput();
        continue;
      }
      let lit: Huffman;
      let dist: Huffman;
      if (type === 1) [lit, dist] = fixedTrees();
      else if (type === 2) {
        const hlit = bits(5) + 257;
        const hdist = bits(5) + 1;
        const hclen = bits(4) + 4;
        const codeLengths = new Uint8Array(19);
        for (let i = 0; i < hclen; i++) codeLengths[CODE_ORDER[i] ?? 0] = bits(3);
        const codeTree = new Huffman(codeLengths);
        const lengths = new Uint8Array(hlit + hdist);
        for (let i = 0; i < hlit + hdist; ) {
          const sym = decode(codeTree);
          if (sym < 16) lengths[i++] = sym;
          else {
            let repeat: number;
            let value = 0;
            if (sym === 16) {
              if (i === 0) throw new SyntaxError('Bad repeat.');
              value = lengths[i - 1] ?? 0;
              repeat = 3 + bits(2);
            } else if (sym === 17) repeat = 3 + bits(3);
            else repeat = 11 + bits(7);
            if (i + repeat > lengths.length) throw new SyntaxError('Bad lengths.');
            lengths.fill(value, i, i + repeat);
            i += repeat;
          }
        }
        lit = new Huffman(lengths.subarray(0, hlit));
        dist = new Huffman(lengths.subarray(hlit));
      } else throw new SyntaxError('Bad block type.');
      for (;;) {
        const sym = decode(lit);
        if (sym < 256) {
          ensure(1);
          out[outLen++] = sym;
        } else if (sym === 256) break;
        else {
          const li = sym - 257;
          if (li >= 29) throw new SyntaxError('Bad length.');
          const length = (LENGTH_BASE[li] ?? 0) + bits(LENGTH_EXTRA[li] ?? 0);
          const di = decode(dist);
          if (di >= 30) throw new SyntaxError('Bad distance.');
          const distance = (DIST_BASE[di] ?? 0) + bits(DIST_EXTRA[di] ?? 0);
          if (distance > outLen) throw new SyntaxError('Distance too far back.');
          ensure(length);
          for (let k = 0; k < length; k++, outLen++) out[outLen] = out[outLen - distance] ?? 0;
        }
        if (outLen >= maxSize) break;
      }
    }
  } catch (error) {
    if (!(error instanceof OutOfInput) && !(error instanceof SyntaxError)) throw error;
    if (outLen === 0) return undefined;
  }
  return out.subarray(0, Math.min(outLen, maxSize));
}
