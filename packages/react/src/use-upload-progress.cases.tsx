import { expect } from '@open-wc/testing';
import { act, render, screen, waitFor } from '@testing-library/react';
import type { ProgressEvent, ProgressFeed } from '@v2-uploader/core';
import { FakeFeed } from '@v2-uploader/core/testing';
import { StrictMode } from 'react';
import { useUploadProgress } from './use-upload-progress.js';

/** A FakeFeed that also counts follows and stops. */
function countingFeed() {
  const fake = new FakeFeed();
  const counts = { follows: 0, stops: 0 };
  const feed: ProgressFeed = {
    follow(documentId: string, listener: (event: ProgressEvent) => void) {
      counts.follows += 1;
      const stop = fake.follow(documentId, listener);
      return () => {
        counts.stops += 1;
        stop();
      };
    },
  };
  return { fake, feed, counts };
}

function Progress({ id, feed }: { id: string | undefined; feed: ProgressFeed }) {
  const { status, progress, stuck, error } = useUploadProgress(id, { feed });
  return <p data-testid="progress">{`${status ?? 'unknown'} ${progress}%${stuck ? ' stuck' : ''}${error ? ` ${error.code}: ${error.message}` : ''}`}</p>;
}
const text = () => screen.getByTestId('progress').textContent;

export function describeUseUploadProgress(): void {
  describe('useUploadProgress (scripted feed)', () => {
    it('follows a document once in StrictMode, shows each step, and stops following on unmount', async () => {
      const { fake, feed, counts } = countingFeed();
      const { unmount } = render(<StrictMode><Progress id="doc-1" feed={feed} /></StrictMode>);
      expect(text()).to.equal('unknown 0%');
      await act(() => Promise.resolve());
      expect(counts, 'StrictMode did not follow twice').to.deep.equal({ follows: 1, stops: 0 });
      act(() => fake.push('doc-1', 'processing', 40));
      expect(text()).to.equal('processing 40%');
      act(() => fake.push('doc-1', 'failed', 40, { code: 'parse_failed', message: 'The PDF is encrypted.' }));
      expect(text()).to.equal('failed 40% parse_failed: The PDF is encrypted.');
      unmount();
      await waitFor(() => expect(counts.stops).to.equal(1));
      expect(fake.listeners.size).to.equal(0);
    });

    it('follows the new document when the id changes, and nothing without one', async () => {
      const { fake, feed } = countingFeed();
      const { rerender } = render(<Progress id={undefined} feed={feed} />);
      await act(() => Promise.resolve());
      expect(fake.listeners.size).to.equal(0);
      expect(text()).to.equal('unknown 0%');
      rerender(<Progress id="doc-1" feed={feed} />);
      act(() => fake.push('doc-1', 'completed', 100));
      expect(text()).to.equal('completed 100%');
      rerender(<Progress id="doc-2" feed={feed} />);
      expect(text(), 'a new document starts unknown').to.equal('unknown 0%');
      await waitFor(() => expect([...fake.listeners.keys()]).to.deep.equal(['doc-2']));
    });
  });
}
