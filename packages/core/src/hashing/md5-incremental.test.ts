import { expect } from '@open-wc/testing';
import SparkMD5 from 'spark-md5';
import { UploadError } from '../upload-error.js';
import { createMD5 } from 'hash-wasm';
import { createHashWasmMd5 } from './md5-hash-wasm.js';
import { MAIN_THREAD_SLICE_SIZE, WORKER_SLICE_SIZE, md5OfBlob, withFallback, type Md5Factory } from './md5-incremental.js';
import { createSparkMd5 } from './md5-spark.js';

const KNOWN: ReadonlyArray<readonly [string, string]> = [
  ['', 'd41d8cd98f00b204e9800998ecf8427e'],
  ['hello', '5d41402abc4b2a76b9719d911017c592'],
  ['The quick brown fox jumps over the lazy dog', '9e107d9d372bb6826bd81d3542a419d6'],
];

/** Bytes that differ at every offset and repeat only every 251 bytes (a prime), so a slice read twice or skipped changes the hash. */
function deterministicBytes(length: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + 7) % 251;
  return bytes;
}

const signal = () => new AbortController().signal;

describe('md5OfBlob', () => {
  it('hashes known inputs, with slices smaller and larger than the input', async () => {
    for (const [text, md5] of KNOWN) {
      for (const sliceSize of [1, 3, 64, WORKER_SLICE_SIZE]) {
        expect(await md5OfBlob(new Blob([text]), { signal: signal(), sliceSize }), `${JSON.stringify(text)} / ${sliceSize}`).to.equal(md5);
      }
    }
  });

  it('agrees with SparkMD5 over the whole buffer for a file of several slices with a ragged end', async () => {
    const bytes = deterministicBytes(5 * 1024 * 1024 + 3);
    const expected = SparkMD5.ArrayBuffer.hash(bytes.buffer);
    expect(await md5OfBlob(new Blob([bytes]), { signal: signal() })).to.equal(expected);
    expect(await md5OfBlob(new Blob([bytes]), { signal: signal(), sliceSize: 1000 })).to.equal(expected);
    expect(await md5OfBlob(new Blob([bytes]), { signal: signal(), sliceSize: MAIN_THREAD_SLICE_SIZE, yieldBetweenSlices: true })).to.equal(expected);
  });

  it('reports progress once per slice, increasing, ending at exactly 1', async () => {
    const progress: number[] = [];
    await md5OfBlob(new Blob([deterministicBytes(10_000)]), { signal: signal(), sliceSize: 3000, onProgress: (p) => progress.push(p) });
    expect(progress).to.deep.equal([0.3, 0.6, 0.9, 1]);

    const empty: number[] = [];
    await md5OfBlob(new Blob([]), { signal: signal(), onProgress: (p) => empty.push(p) });
    expect(empty).to.deep.equal([1]);
  });

  it('rejects with an aborted UploadError when the signal is already aborted, reading nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const progress: number[] = [];
    const error: unknown = await md5OfBlob(new Blob(['hello']), { signal: controller.signal, onProgress: (p) => progress.push(p) }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(UploadError);
    expect((error as UploadError).code).to.equal('aborted');
    expect(progress).to.deep.equal([]);
  });

  it('stops mid-way on abort, rejecting at once and reporting nothing after it', async () => {
    const controller = new AbortController();
    const progress: number[] = [];
    const result = md5OfBlob(new Blob([deterministicBytes(1_000_000)]), {
      signal: controller.signal,
      sliceSize: 100_000,
      onProgress: (p) => {
        progress.push(p);
        if (progress.length === 3) controller.abort();
      },
    });
    const error: unknown = await result.catch((e: unknown) => e);
    expect((error as UploadError).code).to.equal('aborted');
    // Let any slice still in flight land: it must not be reported.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(progress).to.deep.equal([0.1, 0.2, 0.3]);
  });

  it('keeps hashing when a progress callback throws, reporting the error asynchronously', async () => {
    const uncaught: unknown[] = [];
    const onError = (event: ErrorEvent) => {
      event.preventDefault();
      uncaught.push(event.error);
    };
    // Mocha listens for window errors too; take them over while this test runs.
    const mochaOnError = window.onerror;
    window.onerror = null;
    window.addEventListener('error', onError);
    try {
      const hash = await md5OfBlob(new Blob(['hello']), {
        signal: signal(),
        onProgress: () => {
          throw new Error('deliberate error from a progress listener (expected in this test)');
        },
      });
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(hash).to.equal('5d41402abc4b2a76b9719d911017c592');
      expect(uncaught.map((e) => (e as Error).message)).to.deep.equal(['deliberate error from a progress listener (expected in this test)']);
    } finally {
      window.removeEventListener('error', onError);
      window.onerror = mochaOnError;
    }
  });

  it('hashes one main-thread slice well within a 16 ms frame', async () => {
    const bytes = deterministicBytes(MAIN_THREAD_SLICE_SIZE);
    const hasher = await createMD5();
    hasher.init();
    hasher.update(bytes); // warm up
    hasher.digest('hex');
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      const start = performance.now();
      hasher.init();
      hasher.update(bytes);
      hasher.digest('hex');
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const median = times[times.length >> 1] ?? Infinity;
    console.log(`hash-wasm: ${MAIN_THREAD_SLICE_SIZE / 1024} KiB in ${median.toFixed(2)} ms (median of 10)`);
    // Generous: a busy 2-core machine is still several times faster than this.
    expect(median).to.be.below(16);
  });
});

describe('MD5 implementations', () => {
  /** A factory that fails as hash-wasm does where a CSP forbids compiling WebAssembly. */
  const failingWasm = () => {
    const factory = {
      calls: 0,
      create: (() => {
        factory.calls += 1;
        return Promise.reject(new WebAssembly.CompileError("WebAssembly.compile(): Refused to compile: no 'wasm-unsafe-eval' (simulated)"));
      }) as Md5Factory,
    };
    return factory;
  };

  it('hash-wasm and spark-md5 give the same digests, slice by slice', async () => {
    const bytes = deterministicBytes(3 * 1024 * 1024 + 5);
    const expected = SparkMD5.ArrayBuffer.hash(bytes.buffer);
    for (const createMd5 of [createHashWasmMd5, createSparkMd5]) {
      expect(await md5OfBlob(new Blob([bytes]), { signal: signal(), sliceSize: 1_000_003, createMd5 })).to.equal(expected);
      for (const [text, md5] of KNOWN) {
        expect(await md5OfBlob(new Blob([text]), { signal: signal(), sliceSize: 2, createMd5 })).to.equal(md5);
      }
    }
  });

  it('falls back to spark-md5 when hash-wasm cannot be instantiated, and stops retrying it', async () => {
    const wasm = failingWasm();
    const createMd5 = withFallback(wasm.create, createSparkMd5);
    const bytes = deterministicBytes(1_500_000);
    const progress: number[] = [];
    const hash = await md5OfBlob(new Blob([bytes]), { signal: signal(), sliceSize: 500_000, createMd5, onProgress: (p) => progress.push(p) });
    expect(hash).to.equal(SparkMD5.ArrayBuffer.hash(bytes.buffer));
    expect(progress).to.deep.equal([1 / 3, 2 / 3, 1]);
    expect(await md5OfBlob(new Blob(['hello']), { signal: signal(), createMd5 })).to.equal('5d41402abc4b2a76b9719d911017c592');
    expect(wasm.calls).to.equal(1);
  });

  it('falls back when the factory throws synchronously, and still honours abort', async () => {
    const createMd5 = withFallback(() => {
      throw new Error('no WebAssembly (simulated)');
    }, createSparkMd5);
    expect(await md5OfBlob(new Blob(['']), { signal: signal(), createMd5 })).to.equal('d41d8cd98f00b204e9800998ecf8427e');
    const controller = new AbortController();
    const error: unknown = await md5OfBlob(new Blob([deterministicBytes(1_000_000)]), {
      signal: controller.signal,
      sliceSize: 100_000,
      createMd5,
      onProgress: () => controller.abort(),
    }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(UploadError);
    expect((error as UploadError).code).to.equal('aborted');
  });

  it('uses the primary (hash-wasm) while it starts, never touching the fallback', async () => {
    const wasm = failingWasm();
    let primaryUsed = 0;
    const createMd5 = withFallback(async () => {
      primaryUsed += 1;
      return createHashWasmMd5();
    }, wasm.create);
    expect(await md5OfBlob(new Blob(['hello']), { signal: signal(), createMd5 })).to.equal('5d41402abc4b2a76b9719d911017c592');
    expect(primaryUsed).to.equal(1);
    expect(wasm.calls).to.equal(0);
    // And the default needs no factory at all.
    expect(await md5OfBlob(new Blob(['hello']), { signal: signal() })).to.equal('5d41402abc4b2a76b9719d911017c592');
  });
});
