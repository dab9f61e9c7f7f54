// Against the real local stack the test runner starts (Postgres, functions, Storage, Realtime).
import { expect } from '@open-wc/testing';
import { act, render, screen, waitFor } from '@testing-library/react';
import { StrictMode } from 'react';
import { MainThreadHasher } from '@v2-uploader/core';
import { pdfBlob, signedInClient } from '../../core/src/testing/stack.js';
import { dispatchTransfer, transfer } from './testing/scripted.js';
import { UploaderProvider } from './uploader-provider.js';
import { useDropzone } from './use-dropzone.js';
import { useUpload } from './use-upload.js';
import { useUploadProgress } from './use-upload-progress.js';
import { useUploaderState } from './use-uploader-state.js';

type Client = Awaited<ReturnType<typeof signedInClient>>['supabase'];

const sameIds = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((id, i) => id === b[i]);

function Row({ id }: { id: string }) {
  const { file } = useUpload(id);
  return <li data-testid="row" data-document={file?.documentId}>{file ? `${file.name}: ${file.status}` : ''}</li>;
}

/** A custom UI built from the hooks only: no element. */
function HooksUploader() {
  const ids = useUploaderState((s) => s.files.map((f) => f.id), sameIds);
  const { getRootProps, getInputProps, isDragActive } = useDropzone();
  return (
    <div data-testid="zone" {...getRootProps()}>
      <input {...getInputProps()} />
      <p>{isDragActive ? 'Drop it' : 'Drop PDFs here'}</p>
      <ul>{ids.map((id) => <Row key={id} id={id} />)}</ul>
    </div>
  );
}

/** A document the server knows but no uploader of this page made: what a list page shows. */
async function createDocument(supabase: Client, seed: number) {
  const file = pdfBlob(4096, seed, 'listed.pdf');
  const fileHash = await new MainThreadHasher().hash(file, { signal: new AbortController().signal });
  const { data, error } = await supabase.functions.invoke('upload-handler', {
    body: { filename: file.name, contentType: file.type, fileSize: file.size, fileHash },
  });
  if (error) throw error;
  const plan = data.upload as { bucket: string; path: string; token: string };
  const upload = async () => {
    const stored = await supabase.storage.from(plan.bucket).uploadToSignedUrl(plan.path, plan.token, file, { contentType: file.type });
    if (stored.error) throw stored.error;
  };
  return { documentId: data.documentId as string, upload };
}

function DocumentProgress({ id, testId, log }: { id: string; testId: string; log?: string[] }) {
  const { status, progress } = useUploadProgress(id);
  if (log && status && log.at(-1) !== status) log.push(status);
  return <p data-testid={testId}>{`${status ?? 'unknown'} ${progress}%`}</p>;
}

export function describeOnTheStack(): void {
  describe('on the local stack', function () {
    this.timeout(60_000);

    it('a hooks-only UI uploads a dropped PDF through Storage and processing to completed', async () => {
      const { supabase, userId } = await signedInClient();
      const { unmount } = render(<UploaderProvider supabase={supabase}><HooksUploader /></UploaderProvider>);
      act(() => dispatchTransfer(screen.getByTestId('zone'), 'drop', transfer(pdfBlob(300 * 1024, 7, 'hooks.pdf'))));
      await waitFor(() => expect(screen.getByTestId('row').textContent).to.equal('hooks.pdf: completed'), { timeout: 45_000 });
      const documentId = screen.getByTestId('row').dataset['document'];
      const { data } = await supabase.storage.from('documents').download(`${userId}/${documentId}/hooks.pdf`);
      expect(data?.size).to.equal(300 * 1024);
      unmount();
      await waitFor(() => expect(supabase.getChannels()).to.have.length(0));
    });

    it('useUploadProgress follows any document to completed: one request, then one shared channel', async () => {
      const { supabase } = await signedInClient();
      const doc = await createDocument(supabase, 11);
      const requests: string[] = [];
      const originalFetch = globalThis.fetch;
      globalThis.fetch = (input, init) => {
        const url = String(input instanceof Request ? input.url : input);
        if (url.includes('/progress-tracker')) requests.push(url);
        return originalFetch(input, init);
      };
      const statuses: string[] = [];
      try {
        const { unmount } = render(
          <StrictMode>
            <UploaderProvider supabase={supabase}>
              <DocumentProgress id={doc.documentId} testId="first" log={statuses} />
              <DocumentProgress id={doc.documentId} testId="second" />
            </UploaderProvider>
          </StrictMode>,
        );
        await waitFor(() => expect(screen.getByTestId('first').textContent).to.equal('pending 0%'), { timeout: 10_000 });
        expect(supabase.getChannels(), 'one channel for both').to.have.length(1);
        await doc.upload();
        await waitFor(() => expect(screen.getByTestId('first').textContent).to.equal('completed 100%'), { timeout: 30_000 });
        await waitFor(() => expect(screen.getByTestId('second').textContent).to.equal('completed 100%'));
        expect(statuses[0]).to.equal('pending');
        expect(statuses.at(-1)).to.equal('completed');
        expect(requests, 'one catch-up request, no polling').to.have.length(1);
        unmount();
        await waitFor(() => expect(supabase.getChannels(), 'the channel is removed').to.have.length(0));
      } finally {
        globalThis.fetch = originalFetch;
      }
    });
  });
}
