import { expect } from '@open-wc/testing';
import { randomUuid } from './random-uuid.js';

describe('randomUuid', () => {
  it('makes version 4 UUIDs, different each time', () => {
    const ids = Array.from({ length: 50 }, randomUuid);
    for (const id of ids) expect(id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).to.equal(50);
  });
});
