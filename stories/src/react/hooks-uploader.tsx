// An uploader UI of an app's own, built only from @v2-uploader/react's hooks: useDropzone for
// the drop zone, useUploaderState for the list and summary, useUpload for each row. No
// <v2-uploader> inside: this is what a team with its own design system writes.
import { type FileAction, fileActionList, formatFileSize, type UploadFileState } from '@v2-uploader/core';
import { useDropzone, useUpload, useUploaderState } from '@v2-uploader/react';
import type { CSSProperties } from 'react';

const STATUS: Record<UploadFileState['status'], string> = {
  queued: 'Waiting', validating: 'Checking', hashing: 'Preparing', initializing: 'Starting', uploading: 'Uploading',
  uploaded: 'Uploaded', processing: 'Processing', parsing: 'Reading', embedding: 'Indexing', completed: 'Ready',
  duplicate: 'Already uploaded', failed: 'Failed', cancelled: 'Cancelled', paused: 'Paused', retrying: 'Retrying',
  stalled: 'Stalled',
};

const LABEL: Record<FileAction, string> = { pause: 'Pause', resume: 'Resume', cancel: 'Cancel', retry: 'Retry', remove: 'Remove' };

const styles = {
  zone: (accept: boolean, reject: boolean): CSSProperties => ({
    display: 'grid', placeItems: 'center', gap: 4, padding: '1.25rem', borderRadius: 6, cursor: 'pointer',
    border: `2px ${accept || reject ? 'solid' : 'dashed'} ${reject ? '#b91c1c' : accept ? '#6d28d9' : '#6b7280'}`,
    background: reject ? '#fef2f2' : accept ? '#f5f3ff' : '#ffffff', color: '#111827', font: '15px system-ui, sans-serif',
  }),
  list: { listStyle: 'none', margin: '0.75rem 0 0', padding: 0, display: 'grid', gap: 6 } satisfies CSSProperties,
  row: { display: 'grid', gridTemplateColumns: '1fr auto', gap: '2px 12px', alignItems: 'center', padding: '8px 10px', border: '1px solid #d1d5db', borderRadius: 6, font: '14px system-ui, sans-serif', color: '#111827', background: '#ffffff' } satisfies CSSProperties,
  meta: { color: '#374151', fontSize: 13 } satisfies CSSProperties,
  error: { color: '#b91c1c', fontSize: 13, gridColumn: '1 / -1', margin: 0 } satisfies CSSProperties,
  button: { font: 'inherit', fontSize: 13, padding: '2px 8px', marginInlineStart: 4, border: '1px solid #6b7280', borderRadius: 4, background: '#f9fafb', color: '#111827', cursor: 'pointer' } satisfies CSSProperties,
};

function Row({ id }: { id: string }) {
  const { file, pause, resume, cancel, retry, remove } = useUpload(id);
  if (!file) return null;
  const actions: Record<FileAction, () => void> = { pause, resume, cancel, retry, remove };
  const terminal = ['completed', 'duplicate', 'failed', 'cancelled'].includes(file.status);
  const percent = Math.round(file.progress * 100);
  const problem = file.status === 'failed' ? file.error?.message : file.stuck ? 'No progress on the server for a long while.' : undefined;
  return (
    <li style={styles.row} data-status={file.status}>
      <span>
        <strong>{file.name}</strong>{' '}
        <span style={styles.meta}>
          {formatFileSize(file.size, 'en')} · {STATUS[file.status]}
          {!terminal && ` · ${percent}%`}
        </span>
      </span>
      <span>
        {fileActionList(file).map((action) => (
          <button key={action} type="button" style={styles.button} onClick={actions[action]}>
            {LABEL[action]}<span className="visually-hidden"> {file.name}</span>
          </button>
        ))}
      </span>
      {file.status !== 'failed' && file.status !== 'cancelled' && (
        <progress style={{ gridColumn: '1 / -1', width: '100%', accentColor: '#6d28d9' }} max={100} value={percent} aria-label={`Progress of ${file.name}`} />
      )}
      {problem && <p style={styles.error}>{problem}</p>}
    </li>
  );
}

/** The whole UI; the uploader comes from the nearest `<UploaderProvider>`. */
export function HooksUploader() {
  const { getRootProps, getInputProps, isDragAccept, isDragReject } = useDropzone();
  const ids = useUploaderState((s) => s.files.map((f) => f.id).join(' '));
  const summary = useUploaderState((s) => `${s.totals.completed} of ${s.totals.files} done`);
  return (
    <section aria-label="Documents" style={{ maxInlineSize: '36rem' }}>
      <style>{'.visually-hidden{position:absolute;inline-size:1px;block-size:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}'}</style>
      <div {...getRootProps({ 'aria-label': 'Add documents: drop, paste or browse' })} style={styles.zone(isDragAccept, isDragReject)} data-drag={isDragAccept ? 'accept' : isDragReject ? 'reject' : 'none'}>
        <input {...getInputProps()} />
        <strong>{isDragReject ? 'These files cannot be uploaded' : isDragAccept ? 'Drop to upload' : 'Drop documents here'}</strong>
        <span style={styles.meta}>PDF, Word or text, up to 50 MB · click or press Enter to browse</span>
      </div>
      {ids && (
        <>
          <p role="status" style={{ ...styles.meta, margin: '0.75rem 0 0' }}>{summary}</p>
          <ul style={styles.list} aria-label="Files">
            {ids.split(' ').map((id) => <Row key={id} id={id} />)}
          </ul>
        </>
      )}
    </section>
  );
}
