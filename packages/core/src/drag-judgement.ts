// What a drop zone shows while files are dragged over it: would the drop be taken? One rule for
// <v2-uploader> and React's useDropzone.
import { matchesAccept } from './accept.js';

export type DragJudgement = 'accept' | 'reject';

export interface DragJudgementOptions {
  /** The `<input accept>` string the drop will be validated against. */
  readonly accept: string;
  /** Whether several files may be dropped at once. */
  readonly multiple: boolean;
}

/** The dragged items that are files (not text or links). */
const fileItems = (dataTransfer: DataTransfer) => [...dataTransfer.items].filter((item) => item.kind === 'file');

/**
 * Whether what is being dragged would be taken. During a drag the browser reveals only MIME
 * types (no names), so extension rules (`.pdf`) cannot be checked, and items without a type
 * (folders, unknown kinds) are given the benefit of the doubt: validation decides on drop.
 * Several files are refused when `multiple` is off; nothing to judge (`null`) is refused.
 */
export function judgeDrag(dataTransfer: DataTransfer | null, { accept, multiple }: DragJudgementOptions): DragJudgement {
  if (!dataTransfer) return 'reject';
  const files = fileItems(dataTransfer);
  if (!multiple && files.length > 1) return 'reject';
  const mimeRules = accept.split(',').filter((rule) => !rule.trim().startsWith('.')).join(',');
  const typesOk = files.every((item) => item.type === '' || matchesAccept({ name: '', type: item.type }, mimeRules));
  return typesOk ? 'accept' : 'reject';
}

/** How many files a drop carries (a folder counts as one item until it is walked). */
export function droppedFileCount(dataTransfer: DataTransfer): number {
  return fileItems(dataTransfer).length || dataTransfer.files.length;
}
