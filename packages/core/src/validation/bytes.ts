// Small byte helpers shared by the content sniffers.

/** Bytes `start` (inclusive) to `end` (exclusive) of `blob`; only that range is read. */
export async function readBytes(blob: Blob, start: number, end: number): Promise<Uint8Array> {
  return new Uint8Array(await blob.slice(start, end).arrayBuffer());
}

/** Where `needle` first occurs in `haystack`, or -1. */
export function indexOfBytes(haystack: Uint8Array, needle: readonly number[]): number {
  const first = needle[0];
  if (first === undefined) return 0;
  for (let i = haystack.indexOf(first); i !== -1 && i + needle.length <= haystack.length; i = haystack.indexOf(first, i + 1)) {
    if (needle.every((byte, k) => haystack[i + k] === byte)) return i;
  }
  return -1;
}

/** Whether `bytes` begins with `prefix`. */
export function startsWithBytes(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.length <= bytes.length && prefix.every((byte, k) => bytes[k] === byte);
}

/** The bytes of an ASCII string, for writing signatures legibly. */
export function asciiBytes(text: string): number[] {
  return Array.from(text, (char) => char.charCodeAt(0));
}
