// Speed and ETA for one transfer. Byte counts arrive in bursts (a TUS chunk is confirmed at
// once, XHR reports every ~50 ms), so the raw rate jumps around; an exponential moving average
// over time smooths it while still following a real change of speed within a few seconds.

/**
 * How quickly the average forgets: after this long, an old rate counts half. Two seconds keeps
 * the ETA from jumping with each 6 MiB chunk, yet tracks a network change within a few seconds.
 */
export const SPEED_HALF_LIFE_MS = 2000;

export interface SpeedSample {
  /** Bytes per second, smoothed (0 before the second sample). */
  speed: number;
  /** Seconds left at that speed, or undefined while unknown. */
  etaSeconds: number | undefined;
}

export class ProgressMeter {
  readonly #now: () => number;
  readonly #total: number;
  #lastBytes: number | undefined;
  #lastAt = 0;
  #speed = 0;

  constructor(total: number, now: () => number = () => performance.now()) {
    this.#total = total;
    this.#now = now;
  }

  /** Record that `bytes` are confirmed now. */
  sample(bytes: number): SpeedSample {
    const at = this.#now();
    if (this.#lastBytes === undefined || bytes < this.#lastBytes) {
      // First sample, or a restart from a lower offset: a new baseline, no rate yet.
      this.#lastBytes = bytes;
      this.#lastAt = at;
      return this.#result(bytes);
    }
    const dt = at - this.#lastAt;
    if (dt <= 0) return this.#result(bytes);
    const rate = ((bytes - this.#lastBytes) / dt) * 1000;
    const alpha = this.#speed === 0 ? 1 : 1 - Math.pow(0.5, dt / SPEED_HALF_LIFE_MS);
    this.#speed = this.#speed + alpha * (rate - this.#speed);
    this.#lastBytes = bytes;
    this.#lastAt = at;
    return this.#result(bytes);
  }

  /** Forget the rate (after a pause or a retry the old speed says nothing). */
  reset(): void {
    this.#lastBytes = undefined;
    this.#speed = 0;
  }

  #result(bytes: number): SpeedSample {
    const left = Math.max(0, this.#total - bytes);
    if (this.#speed <= 0) return { speed: 0, etaSeconds: left === 0 ? 0 : undefined };
    return { speed: this.#speed, etaSeconds: Math.ceil(left / this.#speed) };
  }
}
