'use client';
// The provider's files, read with a hook: the same store <V2Uploader> uploads with.
import { useUploaderState } from '@v2-uploader/react';

export function Files() {
  const files = useUploaderState((s) => s.files);
  return (
    <ul id="files">
      {files.map((file) => (
        <li key={file.id} data-file={file.name} data-status={file.status}>
          {file.name}: {file.status} {Math.round(file.progress * 100)}%
        </li>
      ))}
    </ul>
  );
}
