import { expect } from '@open-wc/testing';
import { inflateSync } from './inflate-sync.js';

async function compress(data: Uint8Array<ArrayBuffer>, format: 'deflate' | 'deflate-raw'): Promise<Uint8Array> {
  return new Uint8Array(await new Response(new Blob([data]).stream().pipeThrough(new CompressionStream(format))).arrayBuffer());
}

describe('inflateSync', () => {
  it('inflates what CompressionStream deflates: fixed and dynamic blocks, long matches, zlib and raw', async () => {
    const words = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor'.split(' ');
    let text = '';
    for (let i = 0; text.length < 300_000; i++) text += `${words[(i * 7919) % words.length]}${i % 13 === 0 ? '\n' : ' '}`;
    const random = crypto.getRandomValues(new Uint8Array(65536));
    for (const input of [new TextEncoder().encode('a'), new TextEncoder().encode(text), random, new Uint8Array(0)]) {
      for (const format of ['deflate', 'deflate-raw'] as const) {
        const out = inflateSync(await compress(input, format), format === 'deflate', 1 << 30);
        expect(out === undefined ? 0 : out.length, format).to.equal(input.length);
        if (out !== undefined) expect(out.every((b, i) => b === input[i])).to.equal(true);
      }
    }
  });

  it('returns what inflated before a cut, undefined for garbage, and stops at maxSize', async () => {
    const input = new TextEncoder().encode('x'.repeat(1000) + 'abcdefghij'.repeat(5000));
    const packed = await compress(input, 'deflate');
    const partial = inflateSync(packed.subarray(0, packed.length >> 1), true, 1 << 30);
    expect(partial?.length ?? 0).to.be.greaterThan(0);
    expect(partial?.every((b, i) => b === input[i])).to.equal(true);
    expect(inflateSync(new Uint8Array([0x78, 0x9c, 0xff, 0xff, 0xff]), true, 1 << 30)).to.equal(undefined);
    expect(inflateSync(packed, true, 100)?.length).to.equal(100);
  });
});
