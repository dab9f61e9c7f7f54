// `<v2-uploader>` written directly in React 19 JSX: typed by src/jsx.ts (this file compiles only
// with it), and React 19 sets the properties and binds the `onv2-…` listeners it declares.
import { expect } from '@open-wc/testing';
import { render, waitFor } from '@testing-library/react';
import type { AnySupabaseClient } from '@v2-uploader/core';
import '@v2-uploader/elements/define.js';
import type { V2AllCompleteEvent, V2UploaderElement } from '@v2-uploader/elements';
import { createRef } from 'react';
import { scripted } from './testing/scripted.js';
import type { V2UploaderJsxProps } from './index.js';

const client = { stand: 'in' } as unknown as AnySupabaseClient;

describe('<v2-uploader> in React 19 JSX', () => {
  it('takes its attributes, properties and v2-* listeners as typed props', async () => {
    const { uploader } = scripted();
    const ref = createRef<V2UploaderElement>();
    const seen: V2AllCompleteEvent[] = [];
    const props: V2UploaderJsxProps = { 'max-file-size': 1000, multiple: true, 'auto-upload': 'false', 'anonymous-sign-in': true };
    render(<v2-uploader ref={ref} {...props} uploader={uploader} supabase={client} onv2-all-complete={(e) => seen.push(e)} />);
    await customElements.whenDefined('v2-uploader');
    await waitFor(() => expect(ref.current?.uploader).to.equal(uploader));
    const el = ref.current!;
    expect(el.supabase).to.equal(client);
    expect([el.getAttribute('max-file-size'), el.hasAttribute('multiple'), el.getAttribute('auto-upload')]).to.deep.equal(['1000', true, 'false']);
    expect([el.hasAttribute('anonymous-sign-in'), el.anonymousSignIn]).to.deep.equal([true, true]);
    el.dispatchEvent(new CustomEvent('v2-all-complete', { detail: { files: [] } }));
    expect(seen).to.have.length(1);
  });

  it('takes max-pages as an attribute and the document options as properties', async () => {
    const { uploader } = scripted();
    const ref = createRef<V2UploaderElement>();
    const validateDocument = () => 'No.';
    const props: V2UploaderJsxProps = { 'max-pages': 300, documentRules: { refuseEncrypted: false }, validateDocument };
    render(<v2-uploader ref={ref} {...props} uploader={uploader} />);
    await customElements.whenDefined('v2-uploader');
    await waitFor(() => expect(ref.current?.uploader).to.equal(uploader));
    const el = ref.current!;
    expect([el.getAttribute('max-pages'), el.maxPages, el.documentRules, el.validateDocument]).to.deep.equal(['300', 300, { refuseEncrypted: false }, validateDocument]);
    await waitFor(() => expect(uploader.options.documentRules).to.include({ maxPages: 300, refuseEncrypted: false }));
  });
});
