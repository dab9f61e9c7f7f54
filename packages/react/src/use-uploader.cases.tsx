import { expect } from '@open-wc/testing';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { Uploader } from '@v2-uploader/core';
import { hangingSend, textFile } from '@v2-uploader/core/testing';
import * as React from 'react';
import { StrictMode, useEffect } from 'react';
import { scripted } from './testing/scripted.js';
import { UploaderProvider } from './uploader-provider.js';
import { useUploaderState } from './use-uploader-state.js';
import { useUploader } from './use-uploader.js';

export function describeUseUploader(): void {
  describe('useUploader', () => {
    it('in StrictMode: one store, one upload, and after unmount nothing runs or listens', async () => {
      const { options, api, transport } = scripted();
      transport.script = [hangingSend];
      const committed: Uploader[] = [];
      function Status() {
        return <p data-testid="status">{useUploaderState((s) => s.files[0]?.status ?? 'empty')}</p>;
      }
      function App() {
        const uploader = useUploader(options);
        useEffect(() => void committed.push(uploader), [uploader]);
        return (
          <UploaderProvider uploader={uploader}>
            <Status />
            <button type="button" onClick={() => void uploader.addFiles(textFile())}>add</button>
          </UploaderProvider>
        );
      }

      const { unmount } = render(<StrictMode><App /></StrictMode>);
      expect(committed.length, 'StrictMode ran the effects twice').to.equal(2);
      expect(committed[0]).to.equal(committed[1]);
      const uploader = committed[0]!;

      fireEvent.click(screen.getByText('add'));
      await waitFor(() => expect(screen.getByTestId('status').textContent).to.equal('uploading'));
      expect(api.inits, 'exactly one upload started').to.have.length(1);
      expect(uploader.hasListeners()).to.equal(true);

      unmount();
      await waitFor(() => expect(transport.sends[0]?.options.signal.aborted, 'the transfer is aborted').to.equal(true));
      expect(uploader.hasListeners(), 'no listener left').to.equal(false);
      expect(await uploader.addFiles(textFile('late.txt')), 'destroyed').to.deep.equal([]);
      expect(api.inits).to.have.length(1);
    });

    it('keeps one store across re-renders and passes changed options to setOptions', async () => {
      const { options } = scripted();
      const seen = new Set<Uploader>();
      function App({ maxFileSize }: { maxFileSize: number }) {
        seen.add(useUploader({ ...options, maxFileSize }));
        return null;
      }
      const { rerender } = render(<App maxFileSize={1000} />);
      rerender(<App maxFileSize={5} />);
      expect(seen.size).to.equal(1);
      const [uploader] = [...seen] as [Uploader];
      expect(uploader.options.maxFileSize).to.equal(5);
      const [file] = await uploader.addFiles(textFile());
      expect(file?.rejection?.code).to.equal('file-too-large');
    });

    // React 19 only (React 18 has no <Activity>): the case exists only where it can run.
    const Activity = (React as { Activity?: React.ComponentType<{ mode: 'hidden' | 'visible'; children: React.ReactNode }> }).Activity;
    if (Activity) it('gives a tree that React hides and shows again (<Activity>) a working store', async function () {
      // <Activity> cleans effects up when hiding and sets them up when showing.
      const Shown = Activity;
      const { options } = scripted();
      const committed: Uploader[] = [];
      function App() {
        const uploader = useUploader(options);
        useEffect(() => void committed.push(uploader), [uploader]);
        return null;
      }
      const { rerender } = render(<Shown mode="visible"><App /></Shown>);
      const first = committed.at(-1)!;
      rerender(<Shown mode="hidden"><App /></Shown>);
      await act(() => Promise.resolve());
      expect(await first.addFiles(textFile()), 'hiding destroyed it').to.deep.equal([]);
      rerender(<Shown mode="visible"><App /></Shown>);
      await waitFor(() => expect(committed.at(-1)).not.to.equal(first));
      expect(await committed.at(-1)!.addFiles(textFile())).to.have.length(1);
    });
  });
}
