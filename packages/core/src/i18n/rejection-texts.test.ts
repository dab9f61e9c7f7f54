import { expect } from '@open-wc/testing';
import type { RejectionReason } from '../types.js';
import { DOCX_TYPE, PDF_TYPE, TEXT_TYPE } from '../validation/document-types.js';
import { rejectionMessage } from '../validation/messages.js';
import { DEFAULT_VALIDATION_OPTIONS } from '../validation/validate.js';
import { rejectionTextsAr } from './ar.js';
import { rejectionTextsDe } from './de.js';
import { rejectionTextsEn, rejectionTextsFor, rejectionTextsReady, type RejectionTexts } from './index.js';

const MiB = 1024 * 1024;
/** One reason of each code (and each name problem), so every sentence of a table is built. */
const reasons: RejectionReason[] = [
  { code: 'file-too-large', maxSize: 50 * MiB, size: 62 * MiB },
  { code: 'file-too-large', maxSize: 50 * MiB, size: 50 * MiB + 1 },
  { code: 'file-too-small', minSize: 1024, size: 3 },
  { code: 'file-empty' },
  { code: 'too-many-files', maxFiles: 1 },
  { code: 'too-many-files', maxFiles: 10 },
  { code: 'total-size-exceeded', maxTotalSize: 100 * MiB, totalSize: 120 * MiB },
  { code: 'file-type-not-accepted', name: 'photo.png', type: 'image/png', accept: DEFAULT_VALIDATION_OPTIONS.accept },
  { code: 'file-type-not-accepted', name: 'a.pdf', type: PDF_TYPE, accept: 'image/*' },
  { code: 'content-mismatch', expected: PDF_TYPE, detected: DOCX_TYPE },
  { code: 'content-mismatch', expected: TEXT_TYPE, detected: null },
  { code: 'content-mismatch', expected: 'image/png', detected: null },
  ...(['empty', 'path-separator', 'control-character', 'bidi-control', 'dot-name', 'too-long'] as const).map(
    (problem): RejectionReason => ({ code: 'invalid-name', name: 'a/b\u202e.pdf', problem }),
  ),
];

const tables: [string, RejectionTexts][] = [['en', rejectionTextsEn], ['de', rejectionTextsDe], ['ar', rejectionTextsAr]];

describe('rejection texts by language', () => {
  it('loads German and Arabic on demand, then picks the table by the language of a tag, English for the rest', async () => {
    expect(rejectionTextsReady('en')).to.equal(undefined);
    expect(rejectionTextsReady('fr')).to.equal(undefined);
    const de = rejectionTextsReady('de-AT');
    expect(de, 'German is loaded on demand').to.be.instanceOf(Promise);
    expect(rejectionTextsFor('de-AT'), 'English until then').to.equal(rejectionTextsEn);
    expect(rejectionTextsReady('de'), 'one load per language').to.equal(de);
    await de;
    await rejectionTextsReady('ar');
    expect(rejectionTextsReady('de-AT')).to.equal(undefined);
    expect(rejectionTextsFor('de-AT')).to.equal(rejectionTextsDe);
    expect(rejectionMessage({ code: 'file-empty' }, 'de-AT')).to.equal('Diese Datei ist leer (0 Byte); bitte eine Datei mit Inhalt wählen.');
    expect(rejectionTextsFor(['ar-EG', 'en'])).to.equal(rejectionTextsAr);
    expect(rejectionTextsFor(new Intl.Locale('de'))).to.equal(rejectionTextsDe);
    expect(rejectionTextsFor('fr')).to.equal(rejectionTextsEn);
    expect(rejectionTextsFor(undefined)).to.equal(rejectionTextsEn);
  });

  it('English is the default of rejectionMessage', () => {
    for (const reason of reasons) {
      expect(rejectionMessage(reason, 'en', 'x.pdf', rejectionTextsEn)).to.equal(rejectionMessage(reason, 'en', 'x.pdf'));
      expect(rejectionMessage(reason, undefined, 'x.pdf', rejectionTextsEn)).to.equal(rejectionMessage(reason, undefined, 'x.pdf'));
    }
  });

  for (const [tag, texts] of tables) {
    it(`${tag}: a sentence for every reason, with the file's name when given, and the numbers in ${tag}`, () => {
      for (const reason of reasons) {
        const named = rejectionMessage(reason, tag, 'report.pdf', texts);
        const unnamed = rejectionMessage(reason, tag, undefined, texts);
        expect(named, reason.code).to.match(/\.$/);
        expect(named, `${reason.code}: hidden characters never echoed`).not.to.contain('\u202e');
        const namesItself = reason.code === 'file-type-not-accepted' || reason.code === 'invalid-name';
        if (!namesItself) expect(named, reason.code).to.contain('report.pdf').and.not.equal(unnamed);
      }
      const sized = rejectionMessage({ code: 'file-too-large', maxSize: 50 * MiB, size: 62.5 * MiB }, tag, undefined, texts);
      expect(sized).to.contain(new Intl.NumberFormat(tag, { maximumFractionDigits: 1 }).format(62.5));
    });
  }

  it('German and Arabic say what English says, in their words', () => {
    const tooLarge: RejectionReason = { code: 'file-too-large', maxSize: 50 * MiB, size: 62 * MiB };
    expect(rejectionMessage(tooLarge, 'de', 'report.pdf', rejectionTextsDe)).to.equal('report.pdf ist zu groß (62 MB); erlaubt sind 50 MB.');
    expect(rejectionMessage(tooLarge, 'de', undefined, rejectionTextsDe)).to.equal('Diese Datei ist zu groß (62 MB); erlaubt sind 50 MB.');
    expect(rejectionMessage({ code: 'file-type-not-accepted', name: 'a.png', type: 'image/png', accept: '.pdf,.txt' }, 'de', undefined, rejectionTextsDe))
      .to.equal('Der Dateityp von a.png wird nicht angenommen; bitte eine Datei vom Typ .pdf oder .txt wählen.');
    expect(rejectionMessage({ code: 'file-empty' }, 'ar', undefined, rejectionTextsAr)).to.equal('الملف فارغ (0 بايت)؛ اختر ملفًا يحتوي على بيانات.');
  });
});
