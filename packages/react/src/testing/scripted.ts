// Scripted uploaders for the hook tests: the core's fakes (no network), plus transfers that
// wait for the test so it decides when bytes move.
import { type TransferOptions, Uploader, UploadError } from '@v2-uploader/core';
import { type FakeTransport, fakeOptions } from '@v2-uploader/core/testing';

export function scripted(over: Parameters<typeof fakeOptions>[0] = {}) {
  const fakes = fakeOptions(over);
  return { ...fakes, uploader: new Uploader(fakes.options) };
}

/**
 * Makes every send wait until aborted, keeping its options (onProgress, signal) by file size,
 * so a test can report progress for one file while the others stand still.
 */
export function heldSends(transport: FakeTransport): Map<number, TransferOptions> {
  const held = new Map<number, TransferOptions>();
  const hold = (_n: number, options: TransferOptions, size: number) =>
    new Promise<void>((_resolve, reject) => {
      held.set(size, options);
      options.signal.addEventListener('abort', () => reject(new UploadError('stopped', { code: 'aborted' })), { once: true });
    });
  transport.script = Array.from({ length: 50 }, () => hold);
  return held;
}

/** A text file of exactly `size` bytes; different sizes give different hashes in the fakes. */
export function sizedText(name: string, size: number): File {
  return new File(['x'.repeat(size)], name, { type: 'text/plain' });
}

export function transfer(...files: File[]): DataTransfer {
  const data = new DataTransfer();
  for (const file of files) data.items.add(file);
  return data;
}

/**
 * Dispatches a real drag or paste event carrying `data`. (testing-library's fireEvent copies a
 * DataTransfer's own properties into a new one, and a real one has none: its files get lost.)
 */
export function dispatchTransfer(target: Element, type: 'dragenter' | 'dragover' | 'dragleave' | 'drop' | 'paste', data: DataTransfer): void {
  const init = { bubbles: true, cancelable: true, composed: true };
  target.dispatchEvent(type === 'paste' ? new ClipboardEvent(type, { ...init, clipboardData: data }) : new DragEvent(type, { ...init, dataTransfer: data }));
}
