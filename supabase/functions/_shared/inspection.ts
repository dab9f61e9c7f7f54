// Inspection facts (issue 20): what the client learned about a document before sending it,
// accepted with upload-handler's start POST, stored in private.document_inspections (migration
// document_inspections) and answered with the document.
import type { Tx } from './db.ts';
import { HttpError } from './errors.ts';
import { TYPES_BY_EXTENSION } from './files.ts';

export type InspectionKind = 'pdf' | 'docx' | 'txt';
export type TextLayer = 'text' | 'image-only' | 'mixed' | 'none';

export interface Inspection {
  kind: InspectionKind;
  pageCount: number | null;
  wordCount: number | null;
  textLayer: TextLayer;
  encrypted: boolean;
}

/** The database's limits (document_inspections CHECKs). */
export const MAX_PAGE_COUNT = 100_000;
export const MAX_WORD_COUNT = 50_000_000;

const KINDS: readonly InspectionKind[] = ['pdf', 'docx', 'txt'];
const TEXT_LAYERS: readonly TextLayer[] = ['text', 'image-only', 'mixed', 'none'];

const invalid = (path: string, message: string) =>
  new HttpError(422, 'validation_failed', `inspection.${path} ${message}`, {
    details: { issues: [{ path: `inspection.${path}`, message }] },
  });

const count = (raw: unknown, name: string, max: number): number | null => {
  if (raw === null) return null;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 0 || raw > max) {
    throw invalid(name, `must be a whole number from 0 to ${max}, or null when not known.`);
  }
  return raw;
};

/**
 * The optional `inspection` of a start POST, checked against the file's canonical content type
 * (from checkType). Absent or null: no facts. Unknown extra keys are ignored. Any bad value is
 * 422 validation_failed (path in details.issues); a kind that does not match the type is 422
 * validation_failed too; `encrypted: true` is 422 document_encrypted (processing cannot open it).
 */
export function parseInspection(raw: unknown, contentType: string): Inspection | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new HttpError(422, 'validation_failed',
      'inspection must be an object { kind, pageCount, wordCount, textLayer, encrypted }, or left out.',
      { details: { issues: [{ path: 'inspection', message: 'must be an object' }] } });
  }
  const r = raw as Record<string, unknown>;
  if (typeof r.kind !== 'string' || !KINDS.includes(r.kind as InspectionKind)) {
    throw invalid('kind', 'must be "pdf", "docx" or "txt".');
  }
  const kind = r.kind as InspectionKind;
  if (!('pageCount' in r)) throw invalid('pageCount', 'is required (a whole number, or null when not known).');
  if (!('wordCount' in r)) throw invalid('wordCount', 'is required (a whole number, or null when not known).');
  const pageCount = count(r.pageCount, 'pageCount', MAX_PAGE_COUNT);
  const wordCount = count(r.wordCount, 'wordCount', MAX_WORD_COUNT);
  if (typeof r.textLayer !== 'string' || !TEXT_LAYERS.includes(r.textLayer as TextLayer)) {
    throw invalid('textLayer', 'must be "text", "image-only", "mixed" or "none".');
  }
  if (typeof r.encrypted !== 'boolean') throw invalid('encrypted', 'must be true or false.');
  const expected = TYPES_BY_EXTENSION[kind];
  if (expected !== contentType) {
    throw new HttpError(422, 'validation_failed',
      `inspection.kind is "${kind}" but the file is ${contentType}: send the facts of the file you are uploading (kind "${kindOf(contentType)}"), or leave inspection out.`,
      { details: { issues: [{ path: 'inspection.kind', message: `must be "${kindOf(contentType)}" for ${contentType}` }] } });
  }
  if (r.encrypted) {
    const what = kind === 'pdf' ? 'PDF' : kind === 'docx' ? 'Word document' : 'file';
    throw new HttpError(422, 'document_encrypted',
      `This ${what} is password-protected: remove the password and upload it again.`);
  }
  return { kind, pageCount, wordCount, textLayer: r.textLayer as TextLayer, encrypted: false };
}

const kindOf = (contentType: string) =>
  Object.entries(TYPES_BY_EXTENSION).find(([, type]) => type === contentType)?.[0] ?? 'unknown';

/** Store the facts of the caller's document (as the user), unless it already has facts. */
export async function recordInspection(tx: Tx, documentId: string, facts: Inspection): Promise<void> {
  await tx`select public.record_document_inspection(${documentId}::uuid, ${facts.kind}, ${facts.pageCount}::integer,
             ${facts.wordCount}::integer, ${facts.textLayer}, ${facts.encrypted})`;
}

interface InspectionRow {
  document_id: string;
  kind: InspectionKind;
  page_count: number | null;
  word_count: number | null;
  text_layer: TextLayer;
  encrypted: boolean;
}

/** The stored facts of these documents the caller may see, by document id (one query). */
export async function inspectionsOf(tx: Tx, ids: readonly string[]): Promise<Map<string, Inspection>> {
  const facts = new Map<string, Inspection>();
  if (ids.length === 0) return facts;
  const rows = await tx<InspectionRow[]>`select * from public.document_inspections_of(${tx.array(ids as string[])}::uuid[])`;
  for (const row of rows) {
    facts.set(row.document_id, {
      kind: row.kind,
      pageCount: row.page_count,
      wordCount: row.word_count,
      textLayer: row.text_layer,
      encrypted: row.encrypted,
    });
  }
  return facts;
}

/** The documents with their stored facts attached (`inspection`, null when none), for documentDto. */
export async function withInspections<T extends { id: string }>(tx: Tx, docs: readonly T[]): Promise<(T & { inspection: Inspection | null })[]> {
  const facts = await inspectionsOf(tx, docs.map((doc) => doc.id));
  return docs.map((doc) => ({ ...doc, inspection: facts.get(doc.id) ?? null }));
}
