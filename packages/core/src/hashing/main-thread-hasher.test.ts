import { expect } from '@open-wc/testing';
import SparkMD5 from 'spark-md5';
import { UploadError } from '../upload-error.js';
import { MainThreadHasher } from './main-thread-hasher.js';

function deterministicBytes(length: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + 7) % 251;
  return bytes;
}

const signal = () => new AbortController().signal;

describe('MainThreadHasher', () => {
  it('hashes known inputs', async () => {
    const hasher = new MainThreadHasher();
    expect(await hasher.hash(new Blob(['']), { signal: signal() })).to.equal('d41d8cd98f00b204e9800998ecf8427e');
    expect(await hasher.hash(new Blob(['hello']), { signal: signal() })).to.equal('5d41402abc4b2a76b9719d911017c592');
    expect(await hasher.hash(new File(['The quick brown fox jumps over the lazy dog'], 'fox.txt'), { signal: signal() })).to.equal(
      '9e107d9d372bb6826bd81d3542a419d6',
    );
  });

  it('agrees with SparkMD5 over the whole buffer, reporting increasing progress up to 1', async () => {
    const bytes = deterministicBytes(5 * 1024 * 1024 + 3);
    const progress: number[] = [];
    const hash = await new MainThreadHasher().hash(new Blob([bytes]), { signal: signal(), onProgress: (p) => progress.push(p) });
    expect(hash).to.equal(SparkMD5.ArrayBuffer.hash(bytes.buffer));
    expect(progress.length).to.be.above(5);
    for (let i = 1; i < progress.length; i++) expect(progress[i]).to.be.above(progress[i - 1] ?? 0);
    expect(progress.at(-1)).to.equal(1);
  });

  it('rejects with an aborted UploadError when aborted mid-way', async () => {
    const controller = new AbortController();
    const error: unknown = await new MainThreadHasher()
      .hash(new Blob([deterministicBytes(4 * 1024 * 1024)]), { signal: controller.signal, onProgress: () => controller.abort() })
      .catch((e: unknown) => e);
    expect(error).to.be.instanceOf(UploadError);
    expect((error as UploadError).code).to.equal('aborted');
  });

  it('never blocks the page for long while hashing 16 MiB', async () => {
    const blob = new Blob([deterministicBytes(16 * 1024 * 1024)]);
    // A timer that should fire every few ms; the longest gap between its ticks is the
    // longest time the page could not react to input.
    let last = performance.now();
    let longestGap = 0;
    let ticks = 0;
    const sampler = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
      ticks += 1;
    }, 0);
    try {
      await new MainThreadHasher().hash(blob, { signal: signal() });
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
    } finally {
      clearInterval(sampler);
    }
    console.log(`main thread, 16 MiB: longest gap ${longestGap.toFixed(1)} ms over ${ticks} ticks`);
    // One 512 KiB slice takes ~1–2 ms here (hash-wasm; ~5 ms with the spark-md5 fallback); 50 ms
    // leaves room for a busy machine and GC, while a 16 MiB file hashed in one piece with
    // spark-md5 blocked for ~130 ms.
    expect(ticks).to.be.above(16);
    expect(longestGap).to.be.below(50);
  });
});
