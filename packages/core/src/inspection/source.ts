// Reads a Blob in ranges for inspection: checks the abort signal around every read and, on the
// page, gives the event loop a turn after each one so input and rendering keep up. Only the
// ranges asked for are read; no reader here ever loads a whole file at once.
import { abortedError, yieldToEventLoop } from '../hashing/md5-slices.js';
import { inflateSync } from './inflate-sync.js';

/**
 * Small reads are served from windows of at least this size, of which the last few are kept:
 * a Blob read costs about a millisecond however small (Chromium, busy 2-core machine), and a
 * PDF's objects sit close together (a page, its content stream, its image's dictionary), so one
 * window usually answers several reads.
 */
const READ_WINDOW = 16 * 1024;
const KEPT_WINDOWS = 8;
/**
 * Windows kept from prefetch(): the objects of up to 50 sampled pages (their dictionaries,
 * resources, content streams, images' dictionaries), a few KiB each.
 */
const KEPT_PREFETCHED = 256;
const CACHE_HITS_PER_YIELD = 8;
/**
 * Streams up to this size are inflated synchronously (inflate-sync.ts); larger ones by the
 * platform, off the thread. On the page the limit is lower, so one inflate stays a short task.
 */
const SYNC_INFLATE_LIMIT = 256 * 1024;
const MAIN_THREAD_SYNC_INFLATE_LIMIT = 32 * 1024;

export interface InspectOptions {
  signal: AbortSignal;
  /** Give the event loop a turn after every read (MainThreadInspector). */
  yieldBetweenReads?: boolean;
}

/** Workers' synchronous FileReader (not in the DOM library this package compiles against). */
const syncReader = (() => {
  const Reader = (globalThis as { FileReaderSync?: new () => { readAsArrayBuffer(blob: Blob): ArrayBuffer } }).FileReaderSync;
  return Reader === undefined ? undefined : new Reader();
})();

export class Source {
  readonly size: number;
  readonly #windows: { start: number; bytes: Uint8Array<ArrayBuffer> }[] = [];
  readonly #prefetched: { start: number; bytes: Uint8Array<ArrayBuffer> }[] = [];
  #hits = 0;

  constructor(
    readonly blob: Blob,
    readonly options: InspectOptions,
  ) {
    this.size = blob.size;
  }

  /** Throws the 'aborted' UploadError once the signal has fired. */
  check(): void {
    if (this.options.signal.aborted) throw abortedError(this.options.signal);
  }

  /** Bytes `start` (inclusive) to `end` (exclusive), clamped to the file. */
  async read(start: number, end: number): Promise<Uint8Array<ArrayBuffer>> {
    this.check();
    const from = Math.max(0, Math.min(start, this.size));
    const to = Math.max(from, Math.min(end, this.size));
    const cached = this.#cached(from, to);
    if (cached !== undefined) {
      // Reads served from memory still give the page a turn now and then: parsing 50 pages'
      // objects back to back would otherwise be one long task.
      if (++this.#hits % CACHE_HITS_PER_YIELD === 0) await this.pause();
      return cached;
    }
    if (to - from > READ_WINDOW) {
      const bytes = await this.#readRange(from, to);
      await this.pause();
      return bytes;
    }
    const windowEnd = Math.min(this.size, from + READ_WINDOW);
    const bytes = await this.#readRange(from, windowEnd);
    await this.pause();
    this.#windows.unshift({ start: from, bytes });
    if (this.#windows.length > KEPT_WINDOWS) this.#windows.pop();
    return bytes.subarray(0, to - from);
  }

  #cached(from: number, to: number): Uint8Array<ArrayBuffer> | undefined {
    for (const windows of [this.#windows, this.#prefetched]) {
      for (const window of windows) {
        if (from >= window.start && to <= window.start + window.bytes.length) {
          return window.bytes.subarray(from - window.start, to - window.start);
        }
      }
    }
    return undefined;
  }

  /**
   * Reads `size` bytes at each of `starts` in one Blob read (a Blob made of the slices), and
   * keeps them for read(): scattered small reads cost one round trip instead of one each.
   */
  async prefetch(starts: readonly number[], size: number): Promise<void> {
    const wanted = [...new Set(starts)]
      // Already read when a window holds its first KiB (a small object's dictionary).
      .filter((start) => start >= 0 && start < this.size && this.#cached(start, Math.min(this.size, start + 1024)) === undefined)
      .sort((a, b) => a - b);
    if (wanted.length < 2) return;
    // Neighbours (a page and its content stream) become one range: each slice() costs about
    // as much as a read's round trip in Chromium.
    const ranges: [number, number][] = [];
    for (const start of wanted) {
      const end = Math.min(this.size, start + size);
      const last = ranges[ranges.length - 1];
      if (last !== undefined && start <= last[1] + size) last[1] = end;
      else ranges.push([start, end]);
    }
    const all = await this.#readRange(0, 0, new Blob(ranges.map(([from, to]) => this.blob.slice(from, to))));
    await this.pause();
    let at = 0;
    for (const [from, to] of ranges) {
      this.#prefetched.unshift({ start: from, bytes: all.subarray(at, at + to - from) });
      at += to - from;
    }
    this.#prefetched.splice(KEPT_PREFETCHED);
  }

  async #readRange(from: number, to: number, blob?: Blob): Promise<Uint8Array<ArrayBuffer>> {
    const part = blob ?? this.blob.slice(from, to);
    // In a worker, FileReaderSync reads without the round trip of a promise per read.
    if (syncReader !== undefined) return new Uint8Array(syncReader.readAsArrayBuffer(part));
    return new Uint8Array(await part.arrayBuffer());
  }

  /** A turn for the event loop on the page; an abort check everywhere. */
  async pause(): Promise<void> {
    if (this.options.yieldBetweenReads === true) await yieldToEventLoop();
    this.check();
  }
}

/** Concatenates chunks into one array. */
export function concat(chunks: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  let length = 0;
  for (const chunk of chunks) length += chunk.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** The most a single inflated stream (a page's content, an XML part) may grow to. */
export const MAX_INFLATED_SIZE = 64 * 1024 * 1024;

/**
 * Inflates zlib (`deflate`, PDF's FlateDecode) or raw deflate (`deflate-raw`, ZIP) data with
 * the platform's DecompressionStream. Tolerant as PDF readers are: a stream cut short or with
 * a bad checksum yields what inflated before the error. `undefined` when nothing inflated.
 * Stops at `maxSize` output bytes.
 */
export async function inflate(
  data: Uint8Array<ArrayBuffer> | Blob,
  format: 'deflate' | 'deflate-raw',
  source: Source,
  maxSize = MAX_INFLATED_SIZE,
): Promise<Uint8Array<ArrayBuffer> | undefined> {
  const syncLimit = source.options.yieldBetweenReads === true ? MAIN_THREAD_SYNC_INFLATE_LIMIT : SYNC_INFLATE_LIMIT;
  if (!(data instanceof Blob) && data.length <= syncLimit) {
    const inflated = inflateSync(data, format === 'deflate', maxSize);
    source.check();
    if (inflated !== undefined) return inflated as Uint8Array<ArrayBuffer>;
  }
  const blob = data instanceof Blob ? data : new Blob([data]);
  const reader = blob.stream().pipeThrough(new DecompressionStream(format)).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      source.check();
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
      if (size >= maxSize) {
        await reader.cancel().catch(() => {});
        break;
      }
    }
  } catch (error) {
    source.check();
    if (chunks.length === 0) return undefined;
    void error;
  } finally {
    reader.releaseLock();
  }
  return concat(chunks);
}

/** The bytes as Latin-1 text: one character per byte, for searching ASCII keywords. */
export function latin1(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return text;
}
