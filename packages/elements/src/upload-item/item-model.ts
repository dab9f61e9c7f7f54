// What a row shows for a file state, as plain data: how full the bar is, which lines of text.
// Kept apart from the element so each rule is stated once. Which buttons a status allows is
// the core's `fileActions`, shared with every other UI.
import { documentNotices, type FileStatus, PROCESSING_STATUSES, TERMINAL_STATUSES, type UploadFileState } from '@v2-uploader/core/store';
import { en } from '../i18n/en.js';
import { rejectionText, type ResolvedLocale } from '../i18n/registry.js';

/** Steps whose length is unknown until they report something. */
const WARMING_UP: readonly FileStatus[] = ['validating', 'hashing', 'initializing'];

export interface ItemProgress {
  /** Percent of the whole journey (hashing, upload, processing), to one decimal. */
  value: number;
  indeterminate: boolean;
}

/**
 * The bar, or none for failed and cancelled files: a bar stopped part-way reads as "still
 * going", and the message says what happened. The bar is indeterminate only while a
 * step that reports nothing measurable runs and nothing has been measured yet.
 */
export function progressOf(file: UploadFileState): ItemProgress | undefined {
  if (file.status === 'failed' || file.status === 'cancelled') return undefined;
  const fraction = Number.isFinite(file.progress) ? Math.min(1, Math.max(0, file.progress)) : 0;
  return {
    value: Math.round(fraction * 1000) / 10,
    indeterminate: WARMING_UP.includes(file.status) && fraction === 0,
  };
}

const isDuration = (seconds: number | undefined): seconds is number =>
  seconds !== undefined && Number.isFinite(seconds) && seconds >= 0;

/** The details line: percent, then speed and time left while uploading, time left while processing. */
export function detailsOf(file: UploadFileState, { strings, format }: ResolvedLocale): string[] {
  const parts: string[] = [];
  const bar = progressOf(file);
  if (bar && !bar.indeterminate && file.progress > 0 && !TERMINAL_STATUSES.includes(file.status)) {
    parts.push(format.percent(bar.value / 100));
  }
  if (file.status === 'uploading') {
    if (file.speed > 0) parts.push(format.speed(file.speed));
    if (isDuration(file.etaSeconds)) parts.push(strings.remaining(format.duration(file.etaSeconds)));
  } else if (PROCESSING_STATUSES.includes(file.status) && isDuration(file.etaSeconds)) {
    parts.push(strings.remaining(format.duration(file.etaSeconds)));
  }
  return parts;
}

/**
 * What inspection found, as short facts beside the size: "12 pages" (PDF, and Word files whose
 * page count Word wrote), "2,345 words" (Word and text files). Plural forms follow the locale.
 */
export function factsOf(file: UploadFileState, { strings, format }: ResolvedLocale): string[] {
  const document = file.document;
  if (!document) return [];
  const texts = strings.document ?? en.document!;
  const count = (n: number, phrase: typeof texts.pages) =>
    phrase(new Intl.NumberFormat(format.locale).format(n), new Intl.PluralRules(format.locale).select(n));
  const facts: string[] = [];
  if (document.kind !== 'txt' && document.pageCount !== null) facts.push(count(document.pageCount, texts.pages));
  if (document.kind !== 'pdf' && document.wordCount !== null) facts.push(count(document.wordCount, texts.words));
  return facts;
}

export type MessageTone = 'error' | 'warning' | 'info';

export interface ItemMessage {
  tone: MessageTone;
  /** What happened and what to do. */
  text: string;
  /** A secondary line: the error's own message, or why a retry is coming. */
  detail: string | undefined;
}

/** Notices and errors for the row, most important first. */
export function messagesOf(file: UploadFileState, locale: ResolvedLocale, now: number): ItemMessage[] {
  const { strings, format } = locale;
  const messages: ItemMessage[] = [];
  const { error } = file;
  if (file.status === 'failed') {
    if (file.rejection) {
      // The translated reason replaces error.message, which core writes in English.
      messages.push({ tone: 'error', text: rejectionText(locale, file.rejection), detail: undefined });
    } else {
      messages.push({
        tone: 'error',
        text: strings.errorHint(error?.code ?? 'unknown', error?.status),
        detail: error?.message || undefined,
      });
    }
  }
  if (file.status === 'retrying') {
    const hint = error ? strings.errorHint(error.code, error.status) : undefined;
    if (file.retryAt !== undefined) {
      const seconds = Math.max(0, Math.ceil((file.retryAt - now) / 1000));
      messages.push({ tone: 'warning', text: strings.retryingIn(format.duration(seconds)), detail: hint });
    } else if (hint) {
      messages.push({ tone: 'warning', text: hint, detail: undefined });
    }
  }
  if (file.status === 'duplicate') messages.push({ tone: 'info', text: file.bytesSent > 0 ? strings.duplicateDropped : strings.duplicate, detail: undefined });
  if (file.stuck) messages.push({ tone: 'warning', text: strings.stuck, detail: undefined });
  // What inspection warns about an accepted document (a refused one says why it was refused).
  if (!file.rejection) {
    const texts = strings.document ?? en.document!;
    for (const notice of documentNotices(file.document)) messages.push({ tone: 'warning', text: texts.notices[notice], detail: undefined });
  }
  return messages;
}
