import { matchesAccept } from '@v2-uploader/core/store';

export type DragJudgement = 'accept' | 'reject';

/**
 * Whether what is being dragged would be taken, judged as `<v2-uploader>` does. During a drag
 * the browser reveals only MIME types (no names), so extension rules (`.pdf`) cannot be checked
 * and items without a type (folders, unknown kinds) are given the benefit of the doubt; the
 * uploader's validation decides on drop.
 */
export function judgeDrag(dataTransfer: DataTransfer | null, accept: string, multiple: boolean): DragJudgement {
  if (!dataTransfer) return 'reject';
  const files = [...dataTransfer.items].filter((item) => item.kind === 'file');
  if (!multiple && files.length > 1) return 'reject';
  const mimeRules = accept.split(',').filter((rule) => !rule.trim().startsWith('.')).join(',');
  const typesOk = files.every((item) => item.type === '' || matchesAccept({ name: '', type: item.type }, mimeRules));
  return typesOk ? 'accept' : 'reject';
}

/** How many files a drop carries (folders count as one item until they are walked). */
export function droppedFileCount(dataTransfer: DataTransfer): number {
  return [...dataTransfer.items].filter((item) => item.kind === 'file').length || dataTransfer.files.length;
}
