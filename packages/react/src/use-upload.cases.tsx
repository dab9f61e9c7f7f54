import { expect } from '@open-wc/testing';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { Uploader } from '@v2-uploader/core';
import { heldSends, scripted, sizedText } from './testing/scripted.js';
import { UploaderProvider } from './uploader-provider.js';
import { useUpload } from './use-upload.js';

let renders = new Map<string, number>();

function Row({ id, uploader }: { id: string; uploader?: Uploader }) {
  renders.set(id, (renders.get(id) ?? 0) + 1);
  const { file, pause, resume, cancel, retry, remove } = useUpload(id, uploader);
  return (
    <li>
      <span data-testid={`status-${id}`}>{file ? file.status : 'gone'}</span>
      <button type="button" onClick={pause}>pause {id}</button>
      <button type="button" onClick={resume}>resume {id}</button>
      <button type="button" onClick={cancel}>cancel {id}</button>
      <button type="button" onClick={retry}>retry {id}</button>
      <button type="button" onClick={remove}>remove {id}</button>
    </li>
  );
}

const statusOf = (id: string) => screen.getByTestId(`status-${id}`).textContent;

export function describeUseUpload(): void {
  describe('useUpload', () => {
    beforeEach(() => {
      renders = new Map();
    });

    it("pauses, resumes, cancels, retries and removes its own file, not the others", async () => {
      const { uploader, transport, api } = scripted();
      const held = heldSends(transport);
      const [a, b] = (await uploader.addFiles([sizedText('a.txt', 10), sizedText('b.txt', 20)])).map((f) => f.id) as [string, string];
      render(<UploaderProvider uploader={uploader}><Row id={a} /><Row id={b} /></UploaderProvider>);
      await waitFor(() => expect([statusOf(a), statusOf(b)]).to.deep.equal(['uploading', 'uploading']));
      const firstSend = held.get(10)!;

      fireEvent.click(screen.getByText(`pause ${a}`));
      expect(statusOf(a)).to.equal('paused');
      expect(firstSend.signal.aborted, 'the transfer stopped').to.equal(true);
      expect(statusOf(b)).to.equal('uploading');

      fireEvent.click(screen.getByText(`resume ${a}`));
      await waitFor(() => expect(held.get(10)).not.to.equal(firstSend));
      await waitFor(() => expect(statusOf(a)).to.equal('uploading'));

      fireEvent.click(screen.getByText(`cancel ${a}`));
      expect(statusOf(a)).to.equal('cancelled');
      const documentId = uploader.getSnapshot().files.find((f) => f.id === a)!.documentId!;
      await waitFor(() => expect(api.cancelled).to.include(documentId));

      fireEvent.click(screen.getByText(`retry ${a}`));
      await waitFor(() => expect(statusOf(a)).to.equal('uploading'));

      fireEvent.click(screen.getByText(`remove ${a}`));
      expect(statusOf(a)).to.equal('gone');
      expect(uploader.getSnapshot().files.map((f) => f.id)).to.deep.equal([b]);
      expect(statusOf(b)).to.equal('uploading');
    });

    it('re-renders a row only when its own file changes (uploader passed, no provider)', async () => {
      const { uploader, transport } = scripted();
      const held = heldSends(transport);
      const [a, b] = (await uploader.addFiles([sizedText('a.txt', 10), sizedText('b.txt', 20)])).map((f) => f.id) as [string, string];
      render(<><Row id={a} uploader={uploader} /><Row id={b} uploader={uploader} /></>);
      await waitFor(() => expect(held.size).to.equal(2));
      await waitFor(() => expect([statusOf(a), statusOf(b)]).to.deep.equal(['uploading', 'uploading']));
      const rendersOfA = renders.get(a);
      const rendersOfB = renders.get(b)!;
      for (const bytes of [4, 8, 12]) act(() => held.get(20)!.onProgress(bytes));
      expect(renders.get(a), 'a is untouched by b').to.equal(rendersOfA);
      expect(renders.get(b)).to.equal(rendersOfB + 3);
    });
  });
}
