// Calling user callbacks from inside a transfer: a throwing callback must not break the
// transfer's own state, and progress must only ever move forward.
import { callSafely } from '../util/call-safely.js';

/**
 * A progress reporter that passes on only values that move forward, clamped to [0, total]: XHR
 * progress events, TUS offsets after a resume and the final "done" can arrive out of order or
 * repeat, and a bar that jumps back looks broken.
 */
export function forwardProgress(onProgress: (bytes: number) => void, total: number): (bytes: number) => void {
  let last = -1;
  return (bytes) => {
    if (!Number.isFinite(bytes)) return;
    const clamped = Math.min(Math.max(0, Math.floor(bytes)), total);
    if (clamped <= last) return;
    last = clamped;
    callSafely(onProgress, clamped);
  };
}
