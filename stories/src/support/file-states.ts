// Every visual state of a file, reached the way the Uploader reaches it: a new file state
// walked through core's own reducer by the actions the store would dispatch. So a story never
// shows a combination the engine cannot produce (progress, totals and side states are the
// reducer's, not hand-written).
import { type DocumentInfo, type RejectionReason, UploadError, type UploaderSnapshot, type UploadFileState } from '@v2-uploader/core';
import { type Action, emptySnapshot, newFileState, reduce, rejectionError } from '@v2-uploader/core/testing';

export const KiB = 1024;
export const MiB = 1024 * KiB;

/** A fixed "added at" time, so stories render the same on every run. */
const ADDED_AT = Date.UTC(2026, 10, 28, 9, 0, 0);

const PDF = 'application/pdf';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const TXT = 'text/plain';

export interface FileInit {
  name: string;
  size: number;
  type?: string;
  relativePath?: string;
  /** Defaults to a slug of the name. */
  id?: string;
}

/** What a file is, from its name. */
function typeOf(name: string): string {
  if (name.endsWith('.pdf')) return PDF;
  if (name.endsWith('.docx')) return DOCX;
  if (name.endsWith('.txt')) return TXT;
  return '';
}

const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-');

/** The file after `steps` (each may depend on the id), via core's reducer. */
export function fileThrough(init: FileInit, steps: (id: string) => Action[]): UploadFileState {
  const id = init.id ?? slug(init.name);
  let snapshot = reduce(emptySnapshot, {
    type: 'added',
    files: [newFileState({ id, name: init.name, size: init.size, type: init.type ?? typeOf(init.name), relativePath: init.relativePath, addedAt: ADDED_AT })],
  });
  for (const action of steps(id)) snapshot = reduce(snapshot, action);
  return snapshot.files[0]!;
}

/** A snapshot with these files, as `Uploader.getSnapshot()` would return it. */
export function snapshotOf(files: readonly UploadFileState[]): UploaderSnapshot {
  return reduce(emptySnapshot, { type: 'added', files });
}

// The journey in steps, each building on the last (what the Uploader dispatches, in order).
const checked = (id: string): Action[] => [{ type: 'validating', id }, { type: 'validated', id }];
const hashingAt = (id: string, p: number): Action[] => [...checked(id), { type: 'hashing', id }, { type: 'hash-progress', id, progress: p }];
const hashed = (id: string): Action[] => [...hashingAt(id, 1), { type: 'hashed', id, hash: '9e107d9d372bb6826bd81d3542a419d6' }];
const initializing = (id: string): Action[] => [...hashed(id), { type: 'initializing', id }];
const started = (id: string): Action[] => [...initializing(id), { type: 'initialized', id, documentId: `doc-${id}` }];

/** Mid-upload: `fraction` of the bytes confirmed, at `speed` bytes/s. */
const uploadingAt = (size: number, fraction: number, speed = 2.4 * MiB) => (id: string): Action[] => {
  const bytesSent = Math.round(size * fraction);
  return [...started(id), { type: 'upload-progress', id, bytesSent, speed, etaSeconds: speed > 0 ? (size - bytesSent) / speed : undefined }];
};

const uploaded = (id: string): Action[] => [...started(id), { type: 'uploaded', id }];

/** A server stage at `progress` percent. */
const atStage = (status: 'uploaded' | 'processing' | 'parsing' | 'embedding', progress: number, options: { eta?: number; stuck?: boolean } = {}) =>
  (id: string): Action[] => [
    ...uploaded(id),
    ...(status === 'embedding' ? [{ type: 'server-progress', id, status: 'parsing', processingProgress: 100, etaSeconds: undefined, stuck: false } as const] : []),
    { type: 'server-progress', id, status, processingProgress: progress, etaSeconds: options.eta, stuck: options.stuck ?? false },
  ];

export const networkError = new UploadError('Sending the file failed: the connection was reset.', {
  code: 'network',
  request: { method: 'PATCH', url: 'https://demo.supabase.co/storage/v1/upload/resumable/sign/…' },
});

/** Files in every state a row can show, named for the stories. */
export const fileStates = {
  queued: () => fileThrough({ name: 'meeting-notes.txt', size: 18 * KiB }, checked),
  checking: () => fileThrough({ name: 'handbook.docx', size: 2.1 * MiB }, (id) => [{ type: 'validating', id }]),
  hashing: () => fileThrough({ name: 'annual-report-2025.pdf', size: 38 * MiB }, (id) => hashingAt(id, 0.4)),
  initializing: () => fileThrough({ name: 'annual-report-2025.pdf', size: 38 * MiB }, initializing),
  uploading: (fraction: number) =>
    fileThrough({ name: 'annual-report-2025.pdf', size: 38 * MiB, id: `uploading-${Math.round(fraction * 100)}` }, uploadingAt(38 * MiB, fraction)),
  paused: () => fileThrough({ name: 'site-survey.pdf', size: 24 * MiB }, (id) => [...uploadingAt(24 * MiB, 0.42)(id), { type: 'paused', id }]),
  stalled: () => fileThrough({ name: 'site-survey.pdf', size: 24 * MiB }, (id) => [...uploadingAt(24 * MiB, 0.58)(id), { type: 'stalled', id }]),
  /** Waiting to retry after a dropped connection; `retryAt` is absolute, the row counts down to it. */
  retrying: (retryAt: number) =>
    fileThrough({ name: 'site-survey.pdf', size: 24 * MiB }, (id) => [
      ...uploadingAt(24 * MiB, 0.25)(id),
      { type: 'retrying', id, error: networkError, retryAt, attempt: 2 },
    ]),
  uploaded: () => fileThrough({ name: 'contract-signed.pdf', size: 3.2 * MiB }, atStage('uploaded', 0)),
  /** The pipeline without LlamaParse: one "processing" stage. */
  processing: () => fileThrough({ name: 'contract-signed.pdf', size: 3.2 * MiB }, atStage('processing', 60, { eta: 8 })),
  parsing: () => fileThrough({ name: 'contract-signed.pdf', size: 3.2 * MiB }, atStage('parsing', 40, { eta: 25 })),
  embedding: () => fileThrough({ name: 'contract-signed.pdf', size: 3.2 * MiB }, atStage('embedding', 70, { eta: 6 })),
  /** The server saw no progress for over 30 minutes. */
  stuck: () => fileThrough({ name: 'scanned-archive.pdf', size: 46 * MiB }, atStage('parsing', 10, { stuck: true })),
  duplicate: () =>
    fileThrough({ name: 'contract-signed.pdf', size: 3.2 * MiB }, (id) => [...hashed(id), { type: 'initializing', id }, { type: 'duplicate', id, documentId: 'doc-earlier', at: ADDED_AT + 2000 }]),
  completed: () => fileThrough({ name: 'contract-signed.pdf', size: 3.2 * MiB }, (id) => [...atStage('embedding', 100)(id), { type: 'completed', id, at: ADDED_AT + 60_000 }]),
  cancelled: () => fileThrough({ name: 'draft-v1.docx', size: 840 * KiB }, (id) => [...uploadingAt(840 * KiB, 0.3)(id), { type: 'cancelled', id }]),
  /** Failed after the retries ran out: Storage kept answering 503. */
  serverError: () =>
    fileThrough({ name: 'annual-report-2025.pdf', size: 38 * MiB }, (id) => [
      ...uploadingAt(38 * MiB, 0.31)(id),
      {
        type: 'failed', id, error: new UploadError('Storage answered 503 Service Unavailable six times; it may be down. Retry in a moment.', {
          code: 'http', status: 503, fileId: id, request: { method: 'PATCH', url: 'https://demo.supabase.co/storage/v1/upload/resumable/sign/…' },
        }),
      },
    ]),
  /** The session expired and could not be refreshed. */
  sessionEnded: () =>
    fileThrough({ name: 'minutes-march.docx', size: 120 * KiB }, (id) => [
      ...initializing(id),
      { type: 'failed', id, error: new UploadError('Your session ended (refresh token revoked); sign in again, then retry.', { code: 'http', status: 401, fileId: id }) },
    ]),
  offline: () =>
    fileThrough({ name: 'minutes-march.docx', size: 120 * KiB }, (id) => [
      ...uploadingAt(120 * KiB, 0.5)(id),
      { type: 'failed', id, error: networkError },
    ]),
  /** The server failed the document after the upload (the message is the server's). */
  processingFailed: () =>
    fileThrough({ name: 'encrypted-statement.pdf', size: 1.4 * MiB }, (id) => [
      ...atStage('parsing', 30)(id),
      { type: 'failed', id, error: new UploadError('The PDF is password-protected; upload an unlocked copy.', { code: 'processing-failed', fileId: id }) },
    ]),
};

/** One file refused before any request, with the reason validation gives. */
export function rejected(init: FileInit, reason: RejectionReason): UploadFileState {
  return fileThrough(init, (id) => [
    { type: 'validating', id },
    { type: 'rejected', id, rejection: reason, error: rejectionError(reason, id, init.name) },
  ]);
}

/** Every refusal validation can give, with a file that earns it. */
export const rejections = {
  tooLarge: () => rejected({ name: 'site-scans.pdf', size: 72 * MiB }, { code: 'file-too-large', maxSize: 50 * MiB, size: 72 * MiB }),
  tooSmall: () => rejected({ name: 'blank.txt', size: 3 }, { code: 'file-too-small', minSize: 16, size: 3 }),
  empty: () => rejected({ name: 'empty.txt', size: 0 }, { code: 'file-empty' }),
  tooMany: () => rejected({ name: 'appendix-11.pdf', size: 400 * KiB }, { code: 'too-many-files', maxFiles: 10 }),
  totalTooLarge: () =>
    rejected({ name: 'survey-part-3.pdf', size: 30 * MiB }, { code: 'total-size-exceeded', maxTotalSize: 100 * MiB, totalSize: 118 * MiB }),
  typeNotAccepted: () =>
    rejected({ name: 'holiday.png', size: 2.3 * MiB, type: 'image/png' }, { code: 'file-type-not-accepted', accept: '.pdf,.docx,.txt', type: 'image/png', name: 'holiday.png' }),
  contentMismatch: () =>
    rejected({ name: 'invoice.pdf', size: 96 * KiB }, { code: 'content-mismatch', expected: 'application/pdf', detected: null }),
  invalidName: () =>
    rejected({ name: 'report\u202Efdp.exe', size: 12 * KiB, type: '' }, { code: 'invalid-name', name: 'report\u202Efdp.exe', problem: 'bidi-control' }),
};

/**
 * What inspection reports for a document (issue 20): a PDF, Word or text file that reads well,
 * changed by `over`. Stands in for the worker's inspector.
 */
export function documentInfo(kind: DocumentInfo['kind'], over: Partial<DocumentInfo> = {}): DocumentInfo {
  return {
    kind, pageCount: null, wordCount: null, lineCount: null, encrypted: false, textLayer: 'text', macros: false,
    encoding: kind === 'txt' ? 'utf-8' : null, binary: false, damage: null, pdfVersion: kind === 'pdf' ? '1.7' : null,
    linearized: kind === 'pdf' ? false : null, incrementalUpdates: kind === 'pdf' ? 0 : null, ...over,
  };
}

/** `steps` with inspection's result recorded where the Uploader records it: while validating, before `validated`. */
const inspected = (document: DocumentInfo, steps: (id: string) => Action[]) => (id: string): Action[] => {
  const [validating, ...rest] = steps(id);
  return [validating!, { type: 'inspected', id, document }, ...rest];
};

/** A document inspection looked into, then refused (`reason` from the document rules or the app's rule). */
function refusedAfterInspection(init: FileInit, document: DocumentInfo, reason: RejectionReason): UploadFileState {
  return fileThrough(init, inspected(document, (id) => [
    { type: 'validating', id },
    { type: 'rejected', id, rejection: reason, error: rejectionError(reason, id, init.name) },
  ]));
}

/** The page limit of the "too many pages" state (`<v2-uploader max-pages="300">`). */
export const MAX_PAGES = 300;

/** Rows with what inspection found: accepted documents with their facts and notices, and its refusals. */
export const inspectedStates = {
  /** A PDF with a text layer: "12 pages" beside the size. */
  pdfWithText: () =>
    fileThrough({ name: 'quarterly-report.pdf', size: 4.2 * MiB }, inspected(documentInfo('pdf', { pageCount: 12 }), uploadingAt(4.2 * MiB, 0.45))),
  /** Scanned pages only: accepted, with the OCR notice. */
  scannedPdf: () =>
    fileThrough({ name: 'scanned-lease.pdf', size: 9.6 * MiB }, inspected(documentInfo('pdf', { pageCount: 8, textLayer: 'image-only' }), uploadingAt(9.6 * MiB, 0.3))),
  /** Word wrote its page and word counts. */
  docx: () =>
    fileThrough({ name: 'thesis-chapter-3.docx', size: 1.8 * MiB }, inspected(documentInfo('docx', { pageCount: 24, wordCount: 7342 }), atStage('parsing', 40, { eta: 20 }))),
  /** A text file in an encoding inspection does not know: accepted, with a warning. */
  unusualEncoding: () =>
    fileThrough({ name: 'legacy-export.txt', size: 64 * KiB }, inspected(documentInfo('txt', { wordCount: 2345, lineCount: 410, encoding: 'unknown' }), uploaded)),
  passwordProtected: () =>
    refusedAfterInspection({ name: 'bank-statement.pdf', size: 380 * KiB }, documentInfo('pdf', { encrypted: true }), { code: 'document-refused', kind: 'pdf', problem: 'encrypted' }),
  damagedPdf: () =>
    refusedAfterInspection({ name: 'half-downloaded.pdf', size: 2.7 * MiB }, documentInfo('pdf', { damage: 'truncated' }), { code: 'document-refused', kind: 'pdf', problem: 'damaged-truncated' }),
  macroDocx: () =>
    refusedAfterInspection({ name: 'budget-with-macros.docx', size: 610 * KiB }, documentInfo('docx', { pageCount: 6, wordCount: 1210, macros: true }), { code: 'document-refused', kind: 'docx', problem: 'macros' }),
  binaryTxt: () =>
    refusedAfterInspection({ name: 'firmware-dump.txt', size: 1.1 * MiB }, documentInfo('txt', { binary: true }), { code: 'document-refused', kind: 'txt', problem: 'binary' }),
  tooManyPages: () =>
    refusedAfterInspection({ name: 'board-minutes-archive.pdf', size: 31 * MiB }, documentInfo('pdf', { pageCount: 1240 }), { code: 'too-many-pages', maxPages: MAX_PAGES, pageCount: 1240 }),
  refusedByApp: () =>
    refusedAfterInspection({ name: 'contract-draft.pdf', size: 220 * KiB }, documentInfo('pdf', { pageCount: 4 }), { code: 'refused-by-app', message: 'Only signed contracts can be filed: upload the signed PDF.' }),
} satisfies Record<string, () => UploadFileState>;

/** A long list in every kind of state, for scrolling, summary and density. */
export function manyFiles(retryAt: number): UploadFileState[] {
  const list: UploadFileState[] = [
    fileStates.completed(),
    fileStates.duplicate(),
    fileStates.embedding(),
    fileStates.parsing(),
    fileStates.uploading(0.72),
    fileStates.uploading(0.18),
    fileStates.hashing(),
    fileStates.paused(),
    fileStates.retrying(retryAt),
    fileStates.queued(),
    rejections.typeNotAccepted(),
    fileStates.serverError(),
  ];
  for (let i = 1; i <= 12; i += 1) {
    list.push(fileThrough({ name: `chapter-${String(i).padStart(2, '0')}.pdf`, size: (0.4 + i * 0.35) * MiB }, (id) => [
      ...uploaded(id),
      { type: 'server-progress', id, status: 'parsing', processingProgress: 100, etaSeconds: undefined, stuck: false },
      { type: 'server-progress', id, status: 'embedding', processingProgress: 100, etaSeconds: undefined, stuck: false },
      { type: 'completed', id, at: ADDED_AT + i * 1000 },
    ]));
  }
  // Ids must be unique in one list (the rows are keyed by id).
  return list.map((f, i) => ({ ...f, id: `${f.id}-${i}` }));
}
