// Default English text for rejections. A UI translates by `code`; these sentences are what
// people see otherwise, so each one says what is wrong and what to do about it.
import type { RejectionReason } from '../types.js';
import { DOCX_TYPE, PDF_TYPE, TEXT_TYPE } from './document-types.js';
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

const DOCUMENT_LABELS: Readonly<Record<string, { label: string; extension: string; fix: string }>> = {
  [PDF_TYPE]: { label: 'a PDF', extension: '.pdf', fix: 'export or save it as PDF again' },
  [DOCX_TYPE]: { label: 'a Word document', extension: '.docx', fix: 'save it again in Word as .docx' },
  [TEXT_TYPE]: { label: 'plain text', extension: '.txt', fix: 'save it as plain text in UTF-8' },
};

/** How to say which types `accept` allows: its extensions if it lists any, otherwise its MIME entries. */
function describeAccept(accept: string, locale: Intl.LocalesArgument): string {
  const entries = accept.split(',').map((entry) => entry.trim().toLowerCase()).filter((entry) => entry !== '');
  const extensions = entries.filter((entry) => entry.startsWith('.'));
  const list = (items: string[]) =>
    withLocale(locale, (tag) => new Intl.ListFormat(tag, { type: 'disjunction' }).format(items));
  return extensions.length > 0 ? `a ${list(extensions)} file` : `a file of type ${list(entries)}`;
}

function contentMismatchMessage(subject: string, expected: string, detected: string | null): string {
  const claimed = DOCUMENT_LABELS[expected];
  const found = detected === null ? undefined : DOCUMENT_LABELS[detected];
  const claimedLabel = claimed?.label ?? expected;
  if (found !== undefined) {
    return `${subject} is named as ${claimedLabel} but contains ${found.label}; rename it to end in ${found.extension}.`;
  }
  const fix = claimed?.fix ?? 'choose a file of that type';
  return `${subject} is named as ${claimedLabel} but its content is not; ${fix}, or choose another file.`;
}

function invalidNameMessage(reason: Extract<RejectionReason, { code: 'invalid-name' }>): string {
  const quoted = `"${displayFileName(reason.name)}"`;
  switch (reason.problem) {
    case 'empty':
      return 'The file has no name; rename it and add it again.';
    case 'path-separator':
      return `The name ${quoted} contains "/" or "\\", which file names cannot have; rename the file.`;
    case 'control-character':
      return `The name ${quoted} contains invisible control characters; rename the file.`;
    case 'bidi-control':
      return `The name ${quoted} contains hidden characters that change text direction and can disguise its extension; rename the file.`;
    case 'dot-name':
      return `${quoted} is not a file name; rename the file.`;
    case 'too-long':
      return `The name ${quoted} is longer than ${MAX_FILE_NAME_BYTES} bytes; shorten it.`;
  }
}

/**
 * A sentence a person can act on for `reason`, e.g. "report.pdf is 62 MB; the limit is 50 MB."
 * Numbers are formatted for `locale`; the words are English (translate by `reason.code`).
 * Pass `fileName` for the reasons that do not carry one, so the sentence can name the file.
 */
export function rejectionMessage(reason: RejectionReason, locale?: Intl.LocalesArgument, fileName?: string): string {
  const subject = fileName === undefined ? 'This file' : displayFileName(fileName);
  switch (reason.code) {
    case 'file-too-large': {
      const [size, limit] = sizeAndLimit(reason.size, reason.maxSize, locale);
      return `${subject} is ${size}; the limit is ${limit}.`;
    }
    case 'file-too-small': {
      const [size, limit] = sizeAndLimit(reason.size, reason.minSize, locale);
      return `${subject} is ${size}; files must be at least ${limit}.`;
    }
    case 'file-empty':
      return `${subject} is empty (0 bytes); choose a file with content.`;
    case 'too-many-files': {
      const count = withLocale(locale, (tag) => new Intl.NumberFormat(tag).format(reason.maxFiles));
      const files = reason.maxFiles === 1 ? 'file' : 'files';
      return `${subject} was not added: you can add at most ${count} ${files}. Remove one to make room.`;
    }
    case 'total-size-exceeded': {
      const [total, limit] = sizeAndLimit(reason.totalSize, reason.maxTotalSize, locale);
      const what = fileName === undefined ? 'this file' : displayFileName(fileName);
      return `Adding ${what} would bring the total to ${total}; the limit is ${limit}. Remove some files first.`;
    }
    case 'file-type-not-accepted':
      return `${displayFileName(reason.name)} is not an accepted file type; choose ${describeAccept(reason.accept, locale)}.`;
    case 'content-mismatch':
      return contentMismatchMessage(subject, reason.expected, reason.detected);
    case 'invalid-name':
      return invalidNameMessage(reason);
  }
}
