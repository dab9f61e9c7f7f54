import { expect } from '@open-wc/testing';
import { render, screen, waitFor } from '@testing-library/react';
import type { DocumentInfo, Inspector, UploaderSnapshot } from '@v2-uploader/core';
import { pdfBlob } from '@v2-uploader/core/testing';
import { createRef } from 'react';
import type { V2UploaderElement } from '@v2-uploader/elements';
import { type DocumentNotice, documentNotices, useDocumentInfo } from './index.js';
import { scripted } from './testing/scripted.js';
import { UploaderProvider } from './uploader-provider.js';
import { useUploaderState } from './use-uploader-state.js';
import { V2Uploader } from './v2-uploader.js';

const pdf = (over: Partial<DocumentInfo> = {}): DocumentInfo => ({
  kind: 'pdf', pageCount: 12, wordCount: null, lineCount: null, encrypted: false, textLayer: 'text', macros: false,
  encoding: null, binary: false, damage: null, pdfVersion: '1.7', linearized: false, incrementalUpdates: 0, ...over,
});

/** Answers by file name: what each test document "contains". */
const inspector = (byName: Record<string, DocumentInfo>): Inspector => ({
  inspect: async (file) => byName[(file as File).name] ?? pdf(),
});

function Facts({ id }: { id: string }) {
  const { document, notices } = useDocumentInfo(id);
  const words: Record<DocumentNotice, string> = { 'needs-ocr': 'OCR', 'unknown-encoding': 'encoding' };
  return <p data-testid={`facts-${id}`}>{document ? `${document.pageCount} pages` : 'none'}{notices.map((n) => ` · ${words[n]}`).join('')}</p>;
}

function List() {
  const files = useUploaderState((s: UploaderSnapshot) => s.files);
  // file.document is typed on the state every hook returns.
  return <>{files.map((f) => <Facts key={f.id} id={f.id} />)}<p data-testid="typed">{files.map((f) => f.document?.textLayer ?? '-').join(',')}</p></>;
}

export function describeUseDocumentInfo(): void {
  describe('useDocumentInfo', () => {
    it('follows what inspection found, with the notices for accepted files only', async () => {
      const { uploader } = scripted({
        maxFiles: 5,
        documentRules: { maxPages: 100 },
        inspector: inspector({ 'scan.pdf': pdf({ pageCount: 3, textLayer: 'image-only' }), 'huge.pdf': pdf({ pageCount: 512, textLayer: 'image-only' }) }),
      });
      const files = await uploader.addFiles([pdfBlob(4096, 1, 'report.pdf'), pdfBlob(4096, 2, 'scan.pdf'), pdfBlob(4096, 3, 'huge.pdf')]);
      const [report, scan, huge] = files.map((f) => f.id) as [string, string, string];
      render(<UploaderProvider uploader={uploader}><List /></UploaderProvider>);
      await waitFor(() => expect(screen.getByTestId(`facts-${report}`).textContent).to.equal('12 pages'));
      expect(screen.getByTestId(`facts-${scan}`).textContent).to.equal('3 pages · OCR');
      expect(screen.getByTestId(`facts-${huge}`).textContent, 'refused: its rejection says why, no notice').to.equal('512 pages');
      expect(uploader.getSnapshot().files.find((f) => f.id === huge)!.rejection?.code).to.equal('too-many-pages');
      expect(screen.getByTestId('typed').textContent).to.equal('text,image-only,image-only');
    });

    it('is undefined for an unknown id; documentNotices is the core\'s', () => {
      const { uploader } = scripted();
      render(<UploaderProvider uploader={uploader}><Facts id="nope" /></UploaderProvider>);
      expect(screen.getByTestId('facts-nope').textContent).to.equal('none');
      expect(documentNotices(pdf({ kind: 'txt', encoding: 'unknown' }))).to.deep.equal(['unknown-encoding']);
    });

    it('<V2Uploader> passes maxPages, documentRules, validateDocument and inspector to the element and its store', async () => {
      const { uploader } = scripted();
      const ref = createRef<V2UploaderElement>();
      const validateDocument = (file: File) => (file.name.startsWith('draft') ? 'No drafts.' : undefined);
      const docs = inspector({ 'draft.pdf': pdf({ pageCount: 2 }) });
      render(<V2Uploader ref={ref} uploader={uploader} maxPages={300} documentRules={{ refuseMacros: false }} validateDocument={validateDocument} inspector={docs} />);
      await customElements.whenDefined('v2-uploader');
      await waitFor(() => expect(ref.current?.uploader).to.equal(uploader));
      const el = ref.current!;
      expect(el.getAttribute('max-pages')).to.equal('300');
      expect([el.maxPages, el.documentRules, el.validateDocument, el.inspector]).to.deep.equal([300, { refuseMacros: false }, validateDocument, docs]);
      expect(uploader.options.documentRules).to.include({ maxPages: 300, refuseMacros: false });
      await el.addFiles(pdfBlob(4096, 4, 'draft.pdf'));
      await waitFor(() => expect(uploader.getSnapshot().files[0]?.rejection).to.deep.equal({ code: 'refused-by-app', message: 'No drafts.' }));
      expect(uploader.getSnapshot().files[0]!.document?.pageCount).to.equal(2);
    });
  });
}
