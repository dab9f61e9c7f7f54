import { expect } from '@open-wc/testing';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { judgeDrag, type UploadFileState } from '@v2-uploader/core';
import { textFile } from '@v2-uploader/core/testing';
import { dispatchTransfer, scripted, transfer } from './testing/scripted.js';
import { UploaderProvider } from './uploader-provider.js';
import { type UseDropzoneOptions, useDropzone } from './use-dropzone.js';

function Zone(props: UseDropzoneOptions) {
  const { getRootProps, getInputProps, isDragActive, isDragAccept, isDragReject } = useDropzone(props);
  const drag = isDragActive ? (isDragAccept ? 'accept' : isDragReject ? 'reject' : '?') : 'none';
  return (
    <div data-testid="zone" {...getRootProps({ className: 'zone' })}>
      <input data-testid="input" {...getInputProps()} />
      <span data-testid="drag">{drag}</span>
    </div>
  );
}

function mount(props: UseDropzoneOptions = {}) {
  const fakes = scripted({ autoUpload: false });
  const dropped: (readonly UploadFileState[])[] = [];
  const { unmount } = render(
    <UploaderProvider uploader={fakes.uploader}>
      <Zone onDrop={(files) => dropped.push(files)} {...props} />
    </UploaderProvider>,
  );
  const zone = screen.getByTestId('zone');
  const input = screen.getByTestId('input') as HTMLInputElement;
  let opened = 0;
  input.click = () => void opened++;
  return { ...fakes, unmount, dropped, zone, input, opened: () => opened, drag: () => screen.getByTestId('drag').textContent };
}

const names = (files: readonly UploadFileState[] | undefined) => (files ?? []).map((f) => f.name);

export function describeUseDropzone(): void {
  describe('useDropzone', () => {
    it('gives the root a button role and focus, and the input the picker attributes', () => {
      const { zone, input } = mount({ accept: '.txt,text/plain', multiple: false });
      expect(zone.getAttribute('role')).to.equal('button');
      expect(zone.tabIndex).to.equal(0);
      expect(zone.className).to.equal('zone');
      expect(input.type).to.equal('file');
      expect(input.accept).to.equal('.txt,text/plain');
      expect(input.multiple).to.equal(false);
      expect(getComputedStyle(input).display).to.equal('none');
    });

    it('shows accept while a file is dragged over, and adds what is dropped', async () => {
      const { zone, uploader, dropped, drag } = mount();
      const data = transfer(textFile('a.txt'), textFile('b.txt', 'other notes'));
      act(() => dispatchTransfer(zone, 'dragenter', data));
      expect(drag()).to.equal('accept');
      act(() => dispatchTransfer(zone, 'dragover', data));
      act(() => dispatchTransfer(zone, 'drop', data));
      expect(drag()).to.equal('none');
      await waitFor(() => expect(names(dropped[0])).to.deep.equal(['a.txt', 'b.txt']));
      expect(uploader.getSnapshot().files.map((f) => f.name)).to.deep.equal(['a.txt', 'b.txt']);
    });

    it('shows reject for a type it does not take, or several files when single, and drops nothing then', async () => {
      const { zone, uploader, dropped, drag } = mount({ multiple: false });
      const image = transfer(new File(['png'], 'photo.png', { type: 'image/png' }));
      act(() => dispatchTransfer(zone, 'dragenter', image));
      expect(drag()).to.equal('reject');
      act(() => dispatchTransfer(zone, 'dragleave', image));
      expect(drag()).to.equal('none');
      const two = transfer(textFile('a.txt'), textFile('b.txt', 'other notes'));
      act(() => dispatchTransfer(zone, 'dragenter', two));
      expect(drag()).to.equal('reject');
      act(() => dispatchTransfer(zone, 'drop', two));
      await waitFor(() => expect(dropped).to.deep.equal([[]]));
      expect(uploader.getSnapshot().files).to.have.length(0);
    });

    it('judges a drag as the core does (the rule <v2-uploader> uses too)', () => {
      const png = new File(['png'], 'photo.png', { type: 'image/png' });
      const cases = [[textFile()], [png], [textFile('a.txt'), textFile('b.txt', 'other notes')], [new File(['?'], 'mystery')], [textFile(), png]];
      for (const multiple of [false, true]) {
        const { zone, drag, unmount } = mount({ accept: '.txt,text/plain', multiple });
        for (const files of cases) {
          const data = transfer(...files);
          act(() => dispatchTransfer(zone, 'dragenter', data));
          expect(drag(), `${files.map((f) => f.name)} multiple=${multiple}`).to.equal(judgeDrag(data, { accept: '.txt,text/plain', multiple }));
          act(() => dispatchTransfer(zone, 'dragleave', data));
        }
        unmount();
      }
    });

    it('adds pasted files', async () => {
      const { zone, dropped } = mount();
      act(() => dispatchTransfer(zone, 'paste', transfer(textFile('pasted.txt'))));
      await waitFor(() => expect(names(dropped[0])).to.deep.equal(['pasted.txt']));
    });

    it('opens the picker on click, Enter and Space, and adds the picked files', async () => {
      const { zone, input, opened, dropped } = mount();
      fireEvent.click(zone);
      fireEvent.keyDown(zone, { key: 'Enter' });
      fireEvent.keyDown(zone, { key: ' ' });
      fireEvent.keyDown(zone, { key: 'a' });
      expect(opened()).to.equal(3);
      Object.defineProperty(input, 'files', { value: transfer(textFile('picked.txt')).files, configurable: true });
      fireEvent.change(input);
      await waitFor(() => expect(names(dropped[0])).to.deep.equal(['picked.txt']));
    });

    it('does nothing while disabled', async () => {
      const { zone, opened, uploader, drag } = mount({ disabled: true });
      expect(zone.tabIndex).to.equal(-1);
      expect(zone.getAttribute('aria-disabled')).to.equal('true');
      fireEvent.keyDown(zone, { key: 'Enter' });
      const data = transfer(textFile());
      act(() => dispatchTransfer(zone, 'dragenter', data));
      expect(drag()).to.equal('reject');
      act(() => dispatchTransfer(zone, 'drop', data));
      act(() => dispatchTransfer(zone, 'paste', data));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(opened()).to.equal(0);
      expect(uploader.getSnapshot().files).to.have.length(0);
    });
  });
}
