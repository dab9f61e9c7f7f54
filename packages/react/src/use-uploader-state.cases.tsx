import { expect } from '@open-wc/testing';
import { act, render, screen, waitFor } from '@testing-library/react';
import type { UploaderSnapshot } from '@v2-uploader/core';
import { heldSends, scripted, sizedText } from './testing/scripted.js';
import { UploaderProvider } from './uploader-provider.js';
import { useUploaderState } from './use-uploader-state.js';

export function describeUseUploaderState(): void {
  describe('useUploaderState', () => {
    it('re-renders only when its selected slice changes, not while another file makes progress', async () => {
      const { uploader, transport } = scripted();
      const held = heldSends(transport);
      const [a, b] = await uploader.addFiles([sizedText('a.txt', 10), sizedText('b.txt', 20)]);
      let renders = 0;
      function StatusOfA() {
        renders += 1;
        const status = useUploaderState(uploader, (s: UploaderSnapshot) => s.files.find((f) => f.id === a!.id)?.status);
        return <p data-testid="a">{status}</p>;
      }
      render(<StatusOfA />);
      await waitFor(() => expect(held.size).to.equal(2));
      await waitFor(() => expect(screen.getByTestId('a').textContent).to.equal('uploading'));
      const before = renders;

      for (const bytes of [5, 10, 15]) act(() => held.get(20)!.onProgress(bytes));
      expect(uploader.getSnapshot().files.find((f) => f.id === b!.id)?.bytesSent).to.equal(15);
      expect(renders, 'b made progress; a reader did not re-render').to.equal(before);

      act(() => uploader.pause(a!.id));
      expect(screen.getByTestId('a').textContent).to.equal('paused');
      expect(renders).to.equal(before + 1);
    });

    it("reads the provider's uploader when called with a selector first, and the whole snapshot without one", async () => {
      const { uploader } = scripted({ autoUpload: false });
      function Counts() {
        const files = useUploaderState((s) => s.files.length);
        const snapshot = useUploaderState(uploader);
        return <p data-testid="counts">{files} {snapshot.totals.files}</p>;
      }
      render(<UploaderProvider uploader={uploader}><Counts /></UploaderProvider>);
      expect(screen.getByTestId('counts').textContent).to.equal('0 0');
      await act(async () => void (await uploader.addFiles(sizedText('a.txt', 3))));
      expect(screen.getByTestId('counts').textContent).to.equal('1 1');
    });
  });
}
