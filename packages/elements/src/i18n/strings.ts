import type { DocumentNotice, FileStatus, RejectionReason } from '@v2-uploader/core/store';

/** Sizes, times and percentages already formatted for the locale (see `formatter` in registry.ts). */
export interface Formatted {
  /** The BCP 47 tag the numbers are formatted for. */
  locale: string;
  size(bytes: number): string;
  duration(seconds: number): string;
  percent(fraction: number): string;
  speed(bytesPerSecond: number): string;
}

/** Every string the components show or announce. A locale table provides all of them. */
export interface LocaleStrings {
  dropzoneLabel: string;
  dropzoneHint: (accept: string, maxSize: string) => string;
  browse: string;
  dragAccept: string;
  dragReject: string;
  disabled: string;
  status: Record<FileStatus, string>;
  actions: { pause: string; resume: string; cancel: string; retry: string; remove: string };
  /** Accessible names of the row buttons: "Pause report.pdf". */
  actionLabel: (action: string, name: string) => string;
  progressLabel: (name: string) => string;
  remaining: (duration: string) => string;
  duplicate: string;
  /** A duplicate found only after some bytes were sent (the hash came late): they were dropped. */
  duplicateDropped: string;
  stuck: string;
  retryingIn: (duration: string) => string;
  /**
   * Why a file was refused. Leave it out (the built-in tables do) for the core's texts
   * (`rejectionMessage`) in the language `f` formats for: English, German or Arabic. Without
   * `fileName` the sentence says "This file" (a row shows the name beside it).
   */
  rejection?: (reason: RejectionReason, f: Formatted, fileName?: string) => string;
  /**
   * What inspection found in a document, shown in its row. `count` is the number already
   * formatted, `plural` its `Intl.PluralRules` category in the table's language. Leave it out
   * (a table registered before these existed) for the English texts.
   */
  document?: DocumentStrings;
  /** What to do about a server or network error. */
  errorHint: (code: string, status: number | undefined) => string;
  summary: (done: number, total: number, percent: string) => string;
  filesLabel: string;
  announce: {
    added: (count: number) => string;
    started: (name: string) => string;
    halfway: (name: string) => string;
    uploaded: (name: string) => string;
    completed: (name: string) => string;
    duplicate: (name: string) => string;
    failed: (name: string, reason: string) => string;
    allComplete: (count: number) => string;
  };
}

/** The facts and notices of an inspected document (see `LocaleStrings.document`). */
export interface DocumentStrings {
  /** "12 pages". */
  pages: (count: string, plural: Intl.LDMLPluralRule) => string;
  /** "2,345 words". */
  words: (count: string, plural: Intl.LDMLPluralRule) => string;
  /** Warnings beside an accepted document (`documentNotices` of the core). */
  notices: Record<DocumentNotice, string>;
}
