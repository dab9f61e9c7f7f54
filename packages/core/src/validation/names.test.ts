import { expect } from '@open-wc/testing';
import { checkFileName, normaliseFileName } from './names.js';

const problemOf = (name: string) => checkFileName(name)?.problem;

describe('checkFileName', () => {
  it('accepts ordinary names, including spaces, accents, CJK, emoji and leading dots', () => {
    for (const name of ['report.pdf', 'Q1 report (final).docx', 'Übersicht März.txt', '議事録.pdf', 'notes 🎉.txt', '.env', '...', 'a']) {
      expect(checkFileName(name), name).to.equal(undefined);
    }
  });

  it('rejects an empty or blank name', () => {
    expect(checkFileName('')).to.deep.equal({ code: 'invalid-name', name: '', problem: 'empty' });
    expect(problemOf('   ')).to.equal('empty');
    expect(problemOf('\u00a0\u3000')).to.equal('empty');
  });

  it('rejects path separators of either kind', () => {
    expect(problemOf('reports/q1.pdf')).to.equal('path-separator');
    expect(problemOf('C:\\Users\\me\\q1.pdf')).to.equal('path-separator');
  });

  it('rejects C0 and C1 control characters and DEL', () => {
    for (const name of ['a\u0000.pdf', 'a\tb.pdf', 'line\nbreak.txt', 'a\u001f.pdf', 'a\u007f.pdf', 'a\u0085.pdf', 'a\u009f.pdf']) {
      expect(problemOf(name), JSON.stringify(name)).to.equal('control-character');
    }
  });

  it('rejects every bidirectional control, which can disguise an extension', () => {
    const controls = ['\u061c', '\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'];
    for (const control of controls) {
      expect(problemOf(`invoice${control}fdp.exe`), control.codePointAt(0)?.toString(16)).to.equal('bidi-control');
    }
    // Neighbours of the ranges are ordinary characters (zero-width joiner, word joiner).
    expect(checkFileName('a\u200db\u2060.pdf')).to.equal(undefined);
  });

  it('rejects "." and "..", also with surrounding spaces', () => {
    expect(problemOf('.')).to.equal('dot-name');
    expect(problemOf('..')).to.equal('dot-name');
    expect(problemOf(' .. ')).to.equal('dot-name');
  });

  it('allows 255 UTF-8 bytes and rejects 256', () => {
    expect(checkFileName(`${'a'.repeat(251)}.pdf`)).to.equal(undefined);
    expect(problemOf(`${'a'.repeat(252)}.pdf`)).to.equal('too-long');
    // 85 three-byte characters are 255 bytes but only 85 characters.
    expect(checkFileName('日'.repeat(85))).to.equal(undefined);
    expect(problemOf(`${'日'.repeat(85)}a`)).to.equal('too-long');
  });

  it('measures the length after NFC normalisation, as the server stores it', () => {
    // "é" decomposed (e + U+0301) is 3 bytes; composed, 2. 127 of them: 381 bytes → 254.
    const decomposed = 'e\u0301';
    expect(checkFileName(decomposed.repeat(127))).to.equal(undefined);
    expect(problemOf(decomposed.repeat(128))).to.equal('too-long');
  });

  it('ignores surrounding whitespace, as the server trims it', () => {
    expect(checkFileName('  report.pdf  ')).to.equal(undefined);
    expect(checkFileName(` ${'a'.repeat(251)}.pdf `)).to.equal(undefined);
  });

  it('names the first problem in the server order and keeps the name as given', () => {
    expect(checkFileName('a/\u202e.pdf')).to.deep.equal({ code: 'invalid-name', name: 'a/\u202e.pdf', problem: 'path-separator' });
    expect(problemOf('\u0001\u202e')).to.equal('control-character');
  });
});

describe('normaliseFileName', () => {
  it('composes to NFC and trims', () => {
    expect(normaliseFileName('  Cafe\u0301.txt ')).to.equal('Café.txt');
  });
});
