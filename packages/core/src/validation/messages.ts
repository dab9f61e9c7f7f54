// Rejection texts: each sentence says what is wrong and what to do about it. The words are in
// ../i18n/ (English, German, Arabic); sizes, counts, lists and names are worked out here, once.
import type { RejectionReason } from '../types.js';
import { rejectionTextsFor } from '../i18n/index.js';
import type { DocumentWords, RejectionTexts } from '../i18n/rejection-texts.js';
import { BIDI_CONTROLS, CONTROL_CHARACTERS, MAX_FILE_NAME_BYTES } from './names.js';

/**
 * Sizes use 1024-based units labelled kB/MB/GB, as the server's messages ("50 MB" for
 * 52,428,800 bytes) and most file managers do, so the numbers people compare agree.
 */
const SIZE_UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;
const UNIT_STEP = 1024;
/** Names longer than this are shortened in the middle, keeping the extension visible. */
const MAX_DISPLAYED_NAME = 60;

/** `Intl` formatters throw on a malformed locale tag; text in English formatting beats no text. */
function withLocale<T>(locale: Intl.LocalesArgument, create: (locale: Intl.LocalesArgument) => T): T {
  try {
    return create(locale);
  } catch (error) {
    if (error instanceof RangeError) return create('en');
    throw error;
  }
}

/** `bytes` in the largest unit that keeps the number at 1 or more, with `suffix` on the unit. */
function formatBytes(bytes: number, locale: Intl.LocalesArgument, suffix: '' | '-per-second'): string {
  let value = bytes;
  let step = 0;
  while (value >= UNIT_STEP && step < SIZE_UNITS.length - 1) {
    value /= UNIT_STEP;
    step++;
  }
  const unit = SIZE_UNITS[step] ?? 'byte';
  return withLocale(locale, (tag) =>
    new Intl.NumberFormat(tag, {
      style: 'unit',
      unit: `${unit}${suffix}`,
      // Bytes in full ("3 bytes"): the short form of the byte unit is not plural in every locale.
      unitDisplay: unit === 'byte' ? 'long' : 'short',
      maximumFractionDigits: unit === 'byte' ? 0 : 1,
    }).format(value),
  );
}

/** `bytes` in the largest unit that keeps the number at 1 or more: "62.3 MB", "512 bytes". */
export function formatFileSize(bytes: number, locale?: Intl.LocalesArgument): string {
  return formatBytes(bytes, locale, '');
}

/** A transfer rate in the same units as `formatFileSize`: "1.5 MB/s". */
export function formatByteRate(bytesPerSecond: number, locale?: Intl.LocalesArgument): string {
  return formatBytes(bytesPerSecond, locale, '-per-second');
}

/**
 * A size and the limit it broke, formatted so they differ: 50 MiB + 1 byte and 50 MiB both
 * round to "50 MB", and "50 MB; the limit is 50 MB" would leave the reader puzzled.
 */
function sizeAndLimit(size: number, limit: number, locale: Intl.LocalesArgument): [string, string] {
  const shown = formatFileSize(size, locale);
  const limitShown = formatFileSize(limit, locale);
  if (shown !== limitShown) return [shown, limitShown];
  const exact = (n: number) =>
    withLocale(locale, (tag) => new Intl.NumberFormat(tag, { style: 'unit', unit: 'byte', unitDisplay: 'long' }).format(n));
  return [exact(size), `${exact(limit)} (${limitShown})`];
}

/** A file name safe to show in a sentence: invisible and direction-changing characters made visible, long names shortened. */
export function displayFileName(name: string): string {
  const flags = `${CONTROL_CHARACTERS.flags}g`;
  const visible = name
    .replace(new RegExp(CONTROL_CHARACTERS.source, flags), '\uFFFD')
    .replace(new RegExp(BIDI_CONTROLS.source, flags), '\uFFFD');
  const chars = Array.from(visible);
  if (chars.length <= MAX_DISPLAYED_NAME) return visible;
  const tail = 15;
  return `${chars.slice(0, MAX_DISPLAYED_NAME - tail - 1).join('')}…${chars.slice(-tail).join('')}`;
}

/** Which types `accept` allows: its extensions if it lists any, otherwise its entries, as a disjunctive list. */
function describeAccept(accept: string, locale: Intl.LocalesArgument): [list: string, byExtension: boolean] {
  const entries = accept.split(',').map((entry) => entry.trim().toLowerCase()).filter((entry) => entry !== '');
  const extensions = entries.filter((entry) => entry.startsWith('.'));
  const shown = extensions.length > 0 ? extensions : entries;
  const list = withLocale(locale, (tag) => new Intl.ListFormat(tag, { type: 'disjunction' }).format(shown));
  return [list, extensions.length > 0];
}

/**
 * A sentence a person can act on for `reason`, e.g. "report.pdf is 62 MB; the limit is 50 MB."
 * Numbers are formatted for `locale`, and the words are in its language once its table is
 * loaded (`rejectionTextsReady`: German, Arabic), English until then and for other languages;
 * or pass `texts`, a table of your own. Pass `fileName` for the reasons that do not carry one,
 * so the sentence can name the file; without it the sentence says "This file".
 */
export function rejectionMessage(
  reason: RejectionReason,
  locale?: Intl.LocalesArgument,
  fileName?: string,
  texts: RejectionTexts = rejectionTextsFor(locale),
): string {
  const name = fileName === undefined ? undefined : displayFileName(fileName);
  const number = (n: number) => withLocale(locale, (tag) => new Intl.NumberFormat(tag).format(n));
  switch (reason.code) {
    case 'file-too-large':
      return texts.tooLarge(name, ...sizeAndLimit(reason.size, reason.maxSize, locale));
    case 'file-too-small':
      return texts.tooSmall(name, ...sizeAndLimit(reason.size, reason.minSize, locale));
    case 'file-empty':
      return texts.empty(name);
    case 'too-many-files':
      return texts.tooMany(name, number(reason.maxFiles), reason.maxFiles);
    case 'total-size-exceeded':
      return texts.totalTooLarge(name, ...sizeAndLimit(reason.totalSize, reason.maxTotalSize, locale));
    case 'file-type-not-accepted':
      return texts.typeNotAccepted(displayFileName(reason.name), ...describeAccept(reason.accept, locale));
    case 'content-mismatch': {
      const documents: Readonly<Record<string, DocumentWords | undefined>> = texts.documents;
      const claimed = documents[reason.expected];
      const found = reason.detected === null ? undefined : documents[reason.detected];
      const claimedLabel = claimed?.named ?? reason.expected;
      if (found !== undefined) return texts.renameTo(name, claimedLabel, found);
      return texts.notWhatNamed(name, claimedLabel, claimed?.fix ?? texts.otherFix);
    }
    case 'invalid-name':
      return texts.invalidName[reason.problem](`"${displayFileName(reason.name)}"`, number(MAX_FILE_NAME_BYTES));
    case 'document-refused':
      return texts.documentRefused[reason.problem](name, reason.kind);
    case 'too-many-pages':
      return texts.tooManyPages(name, number(reason.pageCount), number(reason.maxPages));
    case 'refused-by-app':
      return reason.message;
  }
}
