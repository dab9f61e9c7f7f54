// The words of the rejection texts, one table per language (./en.ts, ./de.ts, ./ar.ts). What
// every language shares (which file, which sizes, how numbers, lists and names are shown) is
// worked out once, by `rejectionMessage` in ../validation/messages.ts; a table only phrases it.
import type { DocumentType } from '../validation/document-types.js';
import type { InvalidNameRejection } from '../validation/names.js';
import type { DocumentKind } from '../inspection/document-info.js';
import type { DocumentProblem } from '../types.js';

/** How a table names a document type the server accepts. */
export interface DocumentWords {
  /** As what a name claims it to be: "a PDF" ("report.pdf is named as a PDF"). */
  readonly named: string;
  /** As what a file turns out to contain: "a PDF". */
  readonly contains: string;
  readonly extension: string;
  /** How to make a file of this type again: "export or save it as PDF again". */
  readonly fix: string;
}

/**
 * One language's rejection sentences. `name` is the file's name made safe to show
 * (`displayFileName`), or `undefined` when the caller did not give one (a row that shows the
 * name beside the text); sizes and counts come formatted for the locale.
 */
export interface RejectionTexts {
  readonly tooLarge: (name: string | undefined, size: string, limit: string) => string;
  readonly tooSmall: (name: string | undefined, size: string, limit: string) => string;
  readonly empty: (name: string | undefined) => string;
  /** `max` formatted, `maxFiles` the number (for the plural). */
  readonly tooMany: (name: string | undefined, max: string, maxFiles: number) => string;
  readonly totalTooLarge: (name: string | undefined, total: string, limit: string) => string;
  /** `accepted`: the accepted extensions or, when there are none, MIME types, as a disjunctive list. */
  readonly typeNotAccepted: (name: string, accepted: string, byExtension: boolean) => string;
  readonly documents: Readonly<Record<DocumentType, DocumentWords>>;
  /** The content is another accepted type: rename the file. */
  readonly renameTo: (name: string | undefined, claimed: string, found: DocumentWords) => string;
  /** The content is not what the name says; `fix` is the claimed type's, or `otherFix`. */
  readonly notWhatNamed: (name: string | undefined, claimed: string, fix: string) => string;
  readonly otherFix: string;
  /** `quoted`: the name in quotes; `maxBytes`: the longest name allowed, formatted. */
  readonly invalidName: Readonly<Record<InvalidNameRejection['problem'], (quoted: string, maxBytes: string) => string>>;
  /** What the document rules refuse; `kind` named by `documents` ("This PDF", "This Word document"). */
  readonly documentRefused: Readonly<Record<DocumentProblem, (name: string | undefined, kind: DocumentKind) => string>>;
  /** `pages` and `max` formatted. */
  readonly tooManyPages: (name: string | undefined, pages: string, max: string) => string;
}
