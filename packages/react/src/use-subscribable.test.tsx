import { expect } from '@open-wc/testing';
import { act, render, screen } from '@testing-library/react';
import { Subscribable } from '@v2-uploader/core';
import { useSubscribable } from './use-subscribable.js';

interface UploadState {
  readonly fileName: string;
  readonly percent: number;
}

/** A store built on the core base class, the way the Uploader store will be. */
class UploadStore extends Subscribable {
  #snapshot: UploadState = { fileName: 'report.pdf', percent: 0 };

  getSnapshot(): UploadState {
    return this.#snapshot;
  }

  update(patch: Partial<UploadState>): void {
    this.#snapshot = { ...this.#snapshot, ...patch };
    this.notify((listener) => listener());
  }
}

const selectFileName = (state: UploadState) => state.fileName;

// @testing-library/react unmounts after each test and turns on React's act
// environment by itself, since mocha's afterEach/beforeAll exist here.
describe('useSubscribable', () => {
  it('renders the snapshot and re-renders when the store changes', () => {
    const store = new UploadStore();
    function Progress() {
      const state = useSubscribable(store);
      return (
        <p data-testid="progress">
          {state.fileName}: {state.percent}%
        </p>
      );
    }

    render(<Progress />);
    expect(screen.getByTestId('progress').textContent).to.equal('report.pdf: 0%');

    act(() => store.update({ percent: 42 }));
    expect(screen.getByTestId('progress').textContent).to.equal('report.pdf: 42%');
  });

  it('re-renders only when the selected slice changes', () => {
    const store = new UploadStore();
    let renders = 0;
    function FileName() {
      renders += 1;
      return <span data-testid="name">{useSubscribable(store, selectFileName)}</span>;
    }

    render(<FileName />);
    const rendersAfterMount = renders;

    act(() => store.update({ percent: 10 }));
    act(() => store.update({ percent: 20 }));
    expect(renders).to.equal(rendersAfterMount, 'percent changes must not re-render a file-name reader');

    act(() => store.update({ fileName: 'final.pdf' }));
    expect(screen.getByTestId('name').textContent).to.equal('final.pdf');
    expect(renders).to.equal(rendersAfterMount + 1);
  });

  it('uses isEqual to keep a derived object from re-rendering', () => {
    const store = new UploadStore();
    let renders = 0;
    const selectDone = (state: UploadState) => ({ done: state.percent === 100 });
    const sameDone = (a: { done: boolean }, b: { done: boolean }) => a.done === b.done;
    function Done() {
      renders += 1;
      const { done } = useSubscribable(store, selectDone, sameDone);
      return <span data-testid="done">{done ? 'done' : 'working'}</span>;
    }

    render(<Done />);
    const rendersAfterMount = renders;
    act(() => store.update({ percent: 50 }));
    expect(renders).to.equal(rendersAfterMount);

    act(() => store.update({ percent: 100 }));
    expect(screen.getByTestId('done').textContent).to.equal('done');
    expect(renders).to.equal(rendersAfterMount + 1);
  });

  it('unsubscribes from the store on unmount', () => {
    const store = new UploadStore();
    function Progress() {
      return <span>{useSubscribable(store).percent}</span>;
    }

    const { unmount } = render(<Progress />);
    expect(store.hasListeners()).to.equal(true);
    unmount();
    expect(store.hasListeners()).to.equal(false);
  });
});
