import { expect } from '@open-wc/testing';
import { droppedFileCount, judgeDrag } from './drag-judgement.js';
import { DEFAULT_VALIDATION_OPTIONS } from './validation/validate.js';

const transfer = (...files: File[]) => {
  const dt = new DataTransfer();
  for (const f of files) dt.items.add(f);
  return dt;
};
const text = (name = 'a.txt') => new File(['notes'], name, { type: 'text/plain' });
const png = new File(['png'], 'photo.png', { type: 'image/png' });
const untyped = new File(['?'], 'mystery');

describe('judgeDrag', () => {
  const accept = DEFAULT_VALIDATION_OPTIONS.accept;

  it('accepts types the accept list allows, and refuses others', () => {
    expect(judgeDrag(transfer(text()), { accept, multiple: true })).to.equal('accept');
    expect(judgeDrag(transfer(text(), png), { accept, multiple: true })).to.equal('reject');
    expect(judgeDrag(transfer(png), { accept: 'image/*', multiple: false })).to.equal('accept');
  });

  it('judges by MIME type only: extensions are unknown during a drag, untyped items pass', () => {
    expect(judgeDrag(transfer(png), { accept: '.png', multiple: true }), 'only extension rules: nothing to refuse by').to.equal('accept');
    expect(judgeDrag(transfer(untyped), { accept: 'text/plain', multiple: true })).to.equal('accept');
  });

  it('refuses several files when multiple is off, and nothing to judge', () => {
    expect(judgeDrag(transfer(text(), text('b.txt')), { accept, multiple: false })).to.equal('reject');
    expect(judgeDrag(transfer(text(), text('b.txt')), { accept, multiple: true })).to.equal('accept');
    expect(judgeDrag(null, { accept, multiple: true })).to.equal('reject');
  });

  it('ignores dragged text that is not a file', () => {
    const dt = transfer(text());
    dt.items.add('some words', 'text/html');
    expect(judgeDrag(dt, { accept, multiple: false })).to.equal('accept');
  });
});

describe('droppedFileCount', () => {
  it('counts the file items of a drop', () => {
    expect(droppedFileCount(transfer(text(), png))).to.equal(2);
    expect(droppedFileCount(new DataTransfer())).to.equal(0);
  });
});
