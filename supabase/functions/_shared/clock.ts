// Time comes from a Clock so tests can freeze it (stuck detection, ETA, webhook tolerance,
// the progress throttle). Every timestamp the functions write comes from here, not from now().
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until moved. */
export class FrozenClock implements Clock {
  #ms: number;
  constructor(at: Date | string | number = Date.now()) {
    this.#ms = new Date(at).getTime();
  }
  now(): Date {
    return new Date(this.#ms);
  }
  advance(ms: number): void {
    this.#ms += ms;
  }
  set(at: Date | string | number): void {
    this.#ms = new Date(at).getTime();
  }
}
