import { expect } from '@open-wc/testing';
import { matchesAccept } from './accept.js';

const pdf = { name: 'Invoice 2024.PDF', type: 'application/pdf' };
const png = { name: 'photo.png', type: 'image/png' };
const mp4 = { name: 'clip.mp4', type: 'video/mp4' };
const untyped = { name: 'notes.md', type: '' };

describe('matchesAccept', () => {
  it('accepts everything when accept is empty or has no valid entry', () => {
    expect(matchesAccept(pdf, '')).to.equal(true);
    expect(matchesAccept(untyped, '   ')).to.equal(true);
    expect(matchesAccept(png, ' , ,')).to.equal(true);
    expect(matchesAccept(png, 'images')).to.equal(true);
  });

  it('matches exact MIME types case-insensitively', () => {
    expect(matchesAccept(pdf, 'application/pdf')).to.equal(true);
    expect(matchesAccept(pdf, 'Application/PDF')).to.equal(true);
    expect(matchesAccept({ name: 'a.pdf', type: 'APPLICATION/pdf' }, 'application/pdf')).to.equal(true);
    expect(matchesAccept(png, 'application/pdf')).to.equal(false);
    expect(matchesAccept(png, 'image/pn')).to.equal(false);
  });

  it('compares the MIME essence of the file type, without parameters', () => {
    const text = { name: 'a.txt', type: 'text/plain;charset=utf-8' };
    expect(matchesAccept(text, 'text/plain')).to.equal(true);
  });

  it('matches type/* wildcards on the whole top-level type', () => {
    expect(matchesAccept(png, 'image/*')).to.equal(true);
    expect(matchesAccept(png, 'IMAGE/*')).to.equal(true);
    expect(matchesAccept(mp4, 'image/*')).to.equal(false);
    expect(matchesAccept({ name: 'x', type: 'imagex/png' }, 'image/*')).to.equal(false);
    expect(matchesAccept(untyped, 'text/*')).to.equal(false);
  });

  it('matches .ext entries against the end of the file name, case-insensitively', () => {
    expect(matchesAccept(pdf, '.pdf')).to.equal(true);
    expect(matchesAccept(png, '.PNG')).to.equal(true);
    expect(matchesAccept(untyped, '.md')).to.equal(true);
    expect(matchesAccept({ name: 'archive.tar.gz', type: '' }, '.tar.gz')).to.equal(true);
    expect(matchesAccept({ name: 'photo.jpeg', type: '' }, '.jpg')).to.equal(false);
    expect(matchesAccept({ name: 'notpng', type: '' }, '.png')).to.equal(false);
  });

  it('accepts a file when any comma-separated entry matches, ignoring whitespace', () => {
    const accept = ' .docx ,\timage/* ,\napplication/pdf ';
    expect(matchesAccept(pdf, accept)).to.equal(true);
    expect(matchesAccept(png, accept)).to.equal(true);
    expect(matchesAccept({ name: 'report.DOCX', type: '' }, accept)).to.equal(true);
    expect(matchesAccept(mp4, accept)).to.equal(false);
    expect(matchesAccept(untyped, accept)).to.equal(false);
  });

  it('ignores entries that the accept attribute does not allow', () => {
    // `*/*` and MIME types with parameters are not valid accept entries.
    expect(matchesAccept(pdf, 'image/png, */*')).to.equal(false);
    expect(matchesAccept(pdf, 'image/png, application/pdf;q=1')).to.equal(false);
    expect(matchesAccept(png, 'image/png, */*')).to.equal(true);
  });

  it('works with real File objects', () => {
    const file = new File(['%PDF-1.7'], 'scan.pdf', { type: 'application/pdf' });
    expect(matchesAccept(file, 'application/pdf')).to.equal(true);
    expect(matchesAccept(file, 'image/*,.png')).to.equal(false);
  });
});
