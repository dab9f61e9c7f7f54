import { html, svg, type SVGTemplateResult, type TemplateResult } from 'lit';

/** The kinds of document a row can show an icon for. */
export type FileKind = 'pdf' | 'word' | 'text' | 'generic';

const WORD_TYPES = new Set([
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
]);

/** The file's kind from its MIME type, or from its extension when the browser gave no type. */
export function fileKind(name: string, type: string): FileKind {
  const mime = type.toLowerCase();
  const extension = /\.([^.]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';
  if (mime === 'application/pdf' || extension === 'pdf') return 'pdf';
  if (WORD_TYPES.has(mime) || extension === 'docx' || extension === 'doc') return 'word';
  if (mime.startsWith('text/') || ['txt', 'md', 'csv'].includes(extension)) return 'text';
  return 'generic';
}

// One sheet outline with a folded corner, shared by every kind; each kind adds its mark.
const sheet = svg`<path d="M6 2h8l5 5v13a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2z" /><path d="M14 2v5h5" />`;

const marks: Record<FileKind, SVGTemplateResult> = {
  pdf: svg`<text x="11.5" y="17.5" text-anchor="middle" font-size="6" font-weight="700" font-family="system-ui, sans-serif" fill="currentColor" stroke="none">PDF</text>`,
  word: svg`<path d="M8 11l1.5 6 2.5-5 2.5 5 1.5-6" />`,
  text: svg`<path d="M8 12h8M8 15h8M8 18h5" />`,
  generic: svg``,
};

/** A small document icon for the kind; decorative (the row's name says what the file is). */
export function fileIcon(kind: FileKind): TemplateResult {
  return html`<svg viewBox="0 0 24 24" width="28" height="28" fill="none" stroke="currentColor" stroke-width="1.5"
    stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">${sheet}${marks[kind]}</svg>`;
}
