import { expect } from '@open-wc/testing';
import { render, waitFor } from '@testing-library/react';
import type { AnySupabaseClient } from '@v2-uploader/core';
import { consoleDuring } from '@v2-uploader/core/testing';
import type { V2UploaderElement } from '@v2-uploader/elements';
import { createRef, type ReactElement } from 'react';
import { renderToString } from 'react-dom/server';
import { scripted } from './testing/scripted.js';
import { useUploaderContext } from './uploader-context.js';
import { UploaderProvider } from './uploader-provider.js';
import { useDropzone } from './use-dropzone.js';
import { useUpload } from './use-upload.js';
import { useUploadProgress } from './use-upload-progress.js';
import { useUploaderState } from './use-uploader-state.js';
import { useUploader } from './use-uploader.js';
import { V2Uploader } from './v2-uploader.js';

/** A client that fails the test if server rendering touches it (nothing may subscribe there). */
const untouchable = new Proxy({}, {
  get(_target, key) {
    throw new Error(`server rendering used the Supabase client (${String(key)})`);
  },
}) as AnySupabaseClient;

/** What React said on console.error while `fn` ran (hydration mismatches). */
const consoleErrors = (fn: () => Promise<void>) => consoleDuring('error', fn);

export function describeServerRendering(): void {
  describe('server rendering (react-dom/server)', () => {
    const element = (ref?: React.Ref<V2UploaderElement>): ReactElement => (
      <V2Uploader ref={ref} supabaseUrl="https://example.supabase.co" anonKey="anon" multiple autoUpload={false} maxFileSize={1024} className="docs">
        <span slot="hint">PDFs only</span>
      </V2Uploader>
    );

    it('renders <V2Uploader> as the bare tag with its attributes, which hydrates without a mismatch', async () => {
      const html = renderToString(element());
      expect(html).to.match(/^<v2-uploader /);
      for (const part of ['supabase-url="https://example.supabase.co"', 'anon-key="anon"', 'multiple', 'auto-upload="false"', 'max-file-size="1024"', 'class="docs"', '<span slot="hint">PDFs only</span>']) {
        expect(html).to.contain(part);
      }
      const container = document.createElement('div');
      container.innerHTML = html;
      document.body.append(container);
      const ref = createRef<V2UploaderElement>();
      const errors = await consoleErrors(async () => {
        render(element(ref), { container, hydrate: true });
        await customElements.whenDefined('v2-uploader');
        await waitFor(() => expect(ref.current?.shadowRoot).not.to.equal(null));
      });
      expect(errors, errors.join('\n')).to.deep.equal([]);
      expect(ref.current!.supabaseUrl).to.equal('https://example.supabase.co');
      expect(ref.current!.multiple).to.equal(true);
      container.remove();
    });

    it('renders a hooks UI without touching the client or the store', () => {
      const { uploader } = scripted();
      function Files() {
        const count = useUploaderState((s) => s.files.length);
        const { file } = useUpload('nothing-yet');
        const { getRootProps, getInputProps } = useDropzone();
        const progress = useUploadProgress('doc-1');
        return (
          <div {...getRootProps()}>
            <input {...getInputProps()} />
            <p>{`${count} files, ${file ? 'one' : 'no'} row, document ${progress.status ?? 'unknown'} at ${progress.progress}%`}</p>
          </div>
        );
      }
      function Page() {
        useUploader({ supabase: untouchable });
        return <UploaderProvider supabase={untouchable} uploader={uploader}><Files /></UploaderProvider>;
      }
      const html = renderToString(<Page />);
      expect(html).to.contain('role="button"');
      expect(html).to.contain('type="file"');
      expect(html).to.contain('0 files, no row, document unknown at 0%');
    });

    it('explains a missing client instead of failing later', () => {
      function Orphan() {
        useUploadProgress('doc-1');
        return null;
      }
      expect(() => renderToString(<Orphan />)).to.throw(/useUploadProgress: no Supabase client/);
    });

    it('explains a missing uploader: each hook names the provider to wrap it in and how to pass one', () => {
      const cases: [name: string, use: () => unknown, passing: string][] = [
        ['useUpload', () => useUpload('file-1'), 'useUpload(fileId, uploader)'],
        ['useUploaderState', () => useUploaderState((s) => s.files.length), 'useUploaderState(uploader, selector)'],
        ['useDropzone', () => useDropzone(), 'useDropzone({ uploader })'],
        ['useUploaderContext', () => useUploaderContext(), ''],
      ];
      for (const [name, use, passing] of cases) {
        function Orphan() {
          use();
          return null;
        }
        let message = '';
        try {
          renderToString(<Orphan />);
        } catch (error) {
          message = (error as Error).message;
        }
        expect(message, name).to.contain(`${name}: no uploader here. Wrap the component that calls ${name} in <UploaderProvider>`);
        if (passing) expect(message, name).to.contain(`Or pass one: ${passing}.`);
      }
    });
  });
}
