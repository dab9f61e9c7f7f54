import { expect } from '@open-wc/testing';
import { UploadError } from '../upload-error.js';
import { MAX_RETRY_AFTER_MS, RETRY_CAP_MS, parseRetryAfter, retryDelay, shouldRetry } from './retry.js';
import { TransportError } from './transport-error.js';

const request = { method: 'PATCH', url: 'https://example.test/storage/v1/upload/resumable/sign/x' };
const blip = new TransportError('Storage failed with 503', { code: 'http', status: 503, request });

describe('retryDelay', () => {
  it('grows exponentially from 500 ms with the random factor applied in full (full jitter)', () => {
    const top = () => 1 - Number.EPSILON;
    expect([1, 2, 3, 4, 5].map((a) => retryDelay(a, blip, { random: top }))).to.deep.equal([499, 999, 1999, 3999, 7999]);
    expect(retryDelay(3, blip, { random: () => 0.5 })).to.equal(1000);
    expect(retryDelay(3, blip, { random: () => 0 })).to.equal(0);
  });

  it('never waits longer than 30 s, however many attempts failed', () => {
    for (const attempt of [7, 10, 50, 1000]) {
      expect(retryDelay(attempt, blip, { random: () => 0.999999 })).to.be.at.most(RETRY_CAP_MS);
    }
    expect(retryDelay(1000, blip, { random: () => 0.999999 })).to.be.above(29_000);
  });

  it('spreads clients out: many draws at one attempt differ and stay within [0, ceiling)', () => {
    const delays = Array.from({ length: 200 }, () => retryDelay(4, blip));
    expect(Math.min(...delays)).to.be.at.least(0);
    expect(Math.max(...delays)).to.be.below(4000);
    expect(new Set(delays).size).to.be.above(150);
  });

  it('keeps a broken random source within bounds', () => {
    expect(retryDelay(2, blip, { random: () => 7 })).to.be.below(1000);
    expect(retryDelay(2, blip, { random: () => -1 })).to.equal(0);
  });

  it('waits exactly what the server asked for with Retry-After, up to 5 minutes', () => {
    const slowDown = new TransportError('429', { code: 'http', status: 429, request, retryAfterMs: 7000 });
    expect(retryDelay(1, slowDown, { random: () => 0 })).to.equal(7000);
    const maintenance = new TransportError('503', { code: 'http', status: 503, request, retryAfterMs: 3_600_000 });
    expect(retryDelay(1, maintenance)).to.equal(MAX_RETRY_AFTER_MS);
  });
});

describe('shouldRetry', () => {
  it('retries retryable errors until the attempts are used up', () => {
    expect(shouldRetry(blip, 1, 3)).to.equal(true);
    expect(shouldRetry(blip, 2, 3)).to.equal(true);
    expect(shouldRetry(blip, 3, 3)).to.equal(false);
  });

  it('never retries a cancellation, a refusal, an expired token or a non-UploadError', () => {
    expect(shouldRetry(new UploadError('cancelled', { code: 'aborted' }), 1, 5)).to.equal(false);
    expect(shouldRetry(new TransportError('413', { code: 'http', status: 413, request }), 1, 5)).to.equal(false);
    expect(shouldRetry(new TransportError('token', { code: 'http', status: 400, request, tokenExpired: true, retryable: false }), 1, 5)).to.equal(false);
    expect(shouldRetry(new TypeError('x is undefined'), 1, 5)).to.equal(false);
    expect(shouldRetry(new UploadError('offline', { code: 'network' }), 1, 5)).to.equal(true);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-08T12:00:00Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('120', now)).to.equal(120_000);
    expect(parseRetryAfter(' 0 ', now)).to.equal(0);
  });

  it('reads an HTTP-date relative to the clock, and a past date as "now"', () => {
    expect(parseRetryAfter('Wed, 08 Jan 2025 12:00:30 GMT', now)).to.equal(30_000);
    expect(parseRetryAfter('Wed, 08 Jan 2025 11:00:00 GMT', now)).to.equal(0);
  });

  it('ignores what is missing or malformed', () => {
    for (const value of [null, undefined, '', 'soon', '-5', '1e3', '1.5']) {
      expect(parseRetryAfter(value, now), String(value)).to.equal(undefined);
    }
  });
});
