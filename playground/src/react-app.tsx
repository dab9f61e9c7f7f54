// The hooks-only React UI of the playground: no <v2-uploader>, just @v2-uploader/react's hooks
// over the same core store — the way a team with its own design system builds an uploader.
// One <UploaderProvider> owns the store; every hook below (the list, the dropzone, each row's
// useUpload) takes it from there.
import type { SupabaseClient } from '@supabase/supabase-js';
import { type FileAction, fileActionList, type UploadFileState } from '@v2-uploader/core';
import { UploaderProvider, useDropzone, useUpload, useUploaderState } from '@v2-uploader/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

const LABEL: Record<FileAction, string> = { pause: 'Pause', resume: 'Resume', cancel: 'Cancel', retry: 'Retry', remove: 'Remove' };

function Row({ file }: { file: UploadFileState }) {
  const { pause, resume, cancel, retry, remove } = useUpload(file.id);
  const actions: Record<FileAction, () => void> = { pause, resume, cancel, retry, remove };
  const percent = Math.round(file.progress * 100);
  return (
    <li data-status={file.status}>
      <strong>{file.name}</strong> — {file.status} {percent}%
      <progress max={100} value={percent} aria-label={`Progress of ${file.name}`} />
      {file.error ? <span role="alert"> {file.error.message}</span> : null}
      <span>
        {fileActionList(file).map((action) => (
          <button key={action} type="button" onClick={actions[action]}>{LABEL[action]}</button>
        ))}
      </span>
    </li>
  );
}

function HooksUploader() {
  const files = useUploaderState((s) => s.files);
  const { getRootProps, getInputProps, isDragActive, isDragReject } = useDropzone();
  return (
    <div>
      <div {...getRootProps()} className="react-dropzone" aria-label="Upload documents with the React UI">
        <input {...getInputProps()} />
        {isDragReject ? 'These files cannot be uploaded' : isDragActive ? 'Drop to upload' : 'Drop files here, or press Enter to browse (React hooks UI)'}
      </div>
      <ul className="react-files">{files.map((f) => <Row key={f.id} file={f} />)}</ul>
    </div>
  );
}

export function mount(supabase: SupabaseClient, container: Element): void {
  createRoot(container).render(
    <StrictMode>
      <UploaderProvider supabase={supabase}>
        <HooksUploader />
      </UploaderProvider>
    </StrictMode>,
  );
}
