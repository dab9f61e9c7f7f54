import { expect } from '@open-wc/testing';
import { render, waitFor } from '@testing-library/react';
import type { AnySupabaseClient } from '@v2-uploader/core';
import { textFile } from '@v2-uploader/core/testing';
import * as events from '@v2-uploader/elements';
import type { V2FileAddedEvent, V2UploadCompleteDetail, V2UploaderElement } from '@v2-uploader/elements';
import { createRef } from 'react';
import type { V2UploaderEventProps } from './v2-uploader-props.js';
import { scripted } from './testing/scripted.js';
import { UploaderProvider } from './uploader-provider.js';
import { V2Uploader } from './v2-uploader.js';

/** Stands in for the app's client: with an uploader injected the element never calls it. */
const client = { stand: 'in' } as unknown as AnySupabaseClient;

async function defined(ref: { current: V2UploaderElement | null }) {
  await customElements.whenDefined('v2-uploader');
  await waitFor(() => expect(ref.current?.uploader).not.to.equal(undefined));
  return ref.current!;
}

export function describeV2Uploader(): void {
  describe('<V2Uploader>', () => {
    it('renders <v2-uploader> with its attributes and properties, and forwards the ref', async () => {
      const { uploader } = scripted();
      const ref = createRef<V2UploaderElement>();
      render(
        <V2Uploader
          ref={ref} uploader={uploader} supabase={client} id="docs" className="uploader" style={{ maxWidth: '30rem' }}
          accept=".txt,text/plain" maxFileSize={1000} maxFiles={3} multiple autoUpload={false} realtime={false}
          locale="de" theme="dark" name="documents" required chunkSize={6 * 1024 * 1024} anonymousSignIn
        >
          <span slot="hint">Text only</span>
        </V2Uploader>,
      );
      const el = await defined(ref);
      expect(el.tagName).to.equal('V2-UPLOADER');
      expect(el.uploader).to.equal(uploader);
      expect(el.supabase).to.equal(client);
      expect({ id: el.id, className: el.className, maxWidth: el.style.maxWidth }).to.deep.equal({ id: 'docs', className: 'uploader', maxWidth: '30rem' });
      expect({
        accept: el.accept, maxFileSize: el.maxFileSize, maxFiles: el.maxFiles, multiple: el.multiple, autoUpload: el.autoUpload,
        realtime: el.realtime, locale: el.locale, theme: el.theme, name: el.name, required: el.required, chunkSize: el.chunkSize,
        anonymousSignIn: el.anonymousSignIn,
      }).to.deep.equal({
        accept: '.txt,text/plain', maxFileSize: 1000, maxFiles: 3, multiple: true, autoUpload: false,
        realtime: false, locale: 'de', theme: 'dark', name: 'documents', required: true, chunkSize: 6 * 1024 * 1024,
        anonymousSignIn: true,
      });
      expect(uploader.options, 'the element configures the store it shows').to.include({ maxFileSize: 1000, autoUpload: false, realtime: false });
      expect(el.querySelector('[slot=hint]')?.textContent).to.equal('Text only');
    });

    it('calls the onV2… props with typed events, always the newest handler', async () => {
      const { uploader, feed } = scripted();
      const ref = createRef<V2UploaderElement>();
      const seen: string[] = [];
      const completed: V2UploadCompleteDetail[] = [];
      const first = (event: V2FileAddedEvent) => seen.push(`first:${event.detail.file.name}`);
      const second = (event: V2FileAddedEvent) => seen.push(`second:${event.detail.file.name}`);
      const { rerender } = render(<V2Uploader ref={ref} uploader={uploader} multiple onV2FileAdded={first} />);
      const el = await defined(ref);
      await el.addFiles([textFile('a.txt')]);
      rerender(
        <V2Uploader
          ref={ref} uploader={uploader} multiple onV2FileAdded={second}
          onV2UploadComplete={(event) => completed.push(event.detail)}
          onV2ProcessingComplete={(event) => seen.push(`processed:${event.detail.documentId}`)}
          onV2AllComplete={(event) => seen.push(`all:${event.detail.files.length}`)}
        />,
      );
      await el.addFiles([textFile('b.txt', 'other notes')]);
      await waitFor(() => expect(completed).to.have.length(2));
      for (const { documentId } of completed) feed.push(documentId, 'completed', 100);
      await waitFor(() => expect(seen.filter((s) => s.startsWith('all:'))).to.have.length(1));
      expect(seen.slice(0, 2)).to.deep.equal(['first:a.txt', 'second:b.txt']);
      expect(completed.map((d) => d.file.name).sort()).to.deep.equal(['a.txt', 'b.txt']);
      expect(seen).to.include.members(completed.map((d) => `processed:${d.documentId}`));
    });

    it('has a prop for each of the nine events, each called with its event class', async () => {
      const { uploader } = scripted();
      const ref = createRef<V2UploaderElement>();
      const classes = [
        events.V2FileAddedEvent, events.V2FileRejectedEvent, events.V2UploadStartEvent, events.V2UploadProgressEvent,
        events.V2UploadCompleteEvent, events.V2UploadErrorEvent, events.V2ProcessingProgressEvent,
        events.V2ProcessingCompleteEvent, events.V2AllCompleteEvent,
      ];
      const received: Event[] = [];
      const handlers = Object.fromEntries(
        classes.map((EventClass) => [`on${EventClass.name.replace(/Event$/, '')}`, (event: Event) => received.push(event)]),
      ) as V2UploaderEventProps;
      expect(Object.keys(handlers)).to.have.length(9);
      render(<V2Uploader ref={ref} uploader={uploader} {...handlers} />);
      const el = await defined(ref);
      for (const EventClass of classes) el.dispatchEvent(new EventClass({} as never));
      expect(received.map((event) => event.constructor)).to.deep.equal(classes);
    });

    it('updates attributes on re-render and lets go of a shared store when it unmounts', async () => {
      const { uploader } = scripted();
      const ref = createRef<V2UploaderElement>();
      const { rerender, unmount } = render(<V2Uploader ref={ref} uploader={uploader} multiple realtime={false} />);
      const el = await defined(ref);
      rerender(<V2Uploader ref={ref} uploader={uploader} disabled autoUpload={false} />);
      await el.updateComplete;
      expect({ multiple: el.multiple, realtime: el.realtime, disabled: el.disabled, autoUpload: el.autoUpload })
        .to.deep.equal({ multiple: false, realtime: true, disabled: true, autoUpload: false });
      expect(uploader.hasListeners()).to.equal(true);
      unmount();
      expect(uploader.hasListeners(), 'the element unsubscribed').to.equal(false);
      expect(ref.current).to.equal(null);
    });

    it("takes the provider's uploader and client", async () => {
      const { uploader } = scripted();
      const ref = createRef<V2UploaderElement>();
      render(<UploaderProvider uploader={uploader} supabase={client}><V2Uploader ref={ref} /></UploaderProvider>);
      const el = await defined(ref);
      expect(el.uploader).to.equal(uploader);
      expect(el.supabase).to.equal(client);
    });
  });
}
