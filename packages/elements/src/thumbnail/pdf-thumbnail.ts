/**
 * First-page previews of PDFs through pdf.js, which is an optional peer: nothing here
 * requires `pdfjs-dist` to be installed. Without it every preview resolves to `null`
 * and the row keeps its type icon.
 */

/** The part of pdf.js (`pdfjs-dist` 4 or 5) this module uses. */
export interface PdfjsLike {
  getDocument(source: { data: Uint8Array }): {
    promise: Promise<PdfDocumentLike>;
    destroy(): Promise<void>;
  };
}
interface PdfDocumentLike {
  getPage(pageNumber: number): Promise<PdfPageLike>;
  destroy(): Promise<void>;
}
interface PdfPageLike {
  getViewport(options: { scale: number }): { width: number; height: number };
  render(options: {
    canvasContext: CanvasRenderingContext2D;
    canvas: HTMLCanvasElement;
    viewport: { width: number; height: number };
  }): { promise: Promise<void> };
}

/** Loads pdf.js; resolve to a module with `GlobalWorkerOptions.workerSrc` already set. */
export type PdfjsLoader = () => Promise<PdfjsLike>;

// A variable rather than a literal, so that neither TypeScript nor a bundler insists on
// the package being installed. It resolves where bare specifiers do at run time (an
// import map, a dev server); bundled apps register a loader instead (see registerPdfjs).
const PDFJS_SPECIFIER = 'pdfjs-dist';
const defaultLoader: PdfjsLoader = () => import(/* @vite-ignore */ /* webpackIgnore: true */ PDFJS_SPECIFIER);

// Thumbnails are drawn 2.5rem wide; twice that covers high-density screens.
const THUMBNAIL_PIXELS = 96;
// Parsing reads the whole file into memory; past this a 40-pixel preview is not worth it.
const MAX_PDF_BYTES = 20_000_000;

let loader: PdfjsLoader = defaultLoader;
let pdfjs: Promise<PdfjsLike | null> | undefined;
// One rendering per file, shared by every row and every reconnect that shows it.
let previews = new WeakMap<Blob, Promise<Blob | null>>();

/**
 * Tells the elements how to load pdf.js, e.g. so a bundler includes it:
 * `registerPdfjs(async () => { const m = await import('pdfjs-dist'); m.GlobalWorkerOptions.workerSrc = workerUrl; return m; })`.
 * Without an argument the default (`import('pdfjs-dist')` at run time) is restored.
 */
export function registerPdfjs(load?: PdfjsLoader): void {
  loader = load ?? defaultLoader;
  pdfjs = undefined;
  previews = new WeakMap();
}

function loadPdfjs(): Promise<PdfjsLike | null> {
  // A missing module is remembered, so a list of PDFs tries the import once.
  pdfjs ??= loader().catch(() => null);
  return pdfjs;
}

async function render(blob: Blob): Promise<Blob | null> {
  if (blob.size > MAX_PDF_BYTES) return null;
  const lib = await loadPdfjs();
  if (!lib) return null;
  const task = lib.getDocument({ data: new Uint8Array(await blob.arrayBuffer()) });
  try {
    const doc = await task.promise;
    const page = await doc.getPage(1);
    const natural = page.getViewport({ scale: 1 });
    const viewport = page.getViewport({ scale: THUMBNAIL_PIXELS / Math.max(natural.width, natural.height, 1) });
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.ceil(viewport.width));
    canvas.height = Math.max(1, Math.ceil(viewport.height));
    const context = canvas.getContext('2d');
    if (!context) return null;
    await page.render({ canvasContext: context, canvas, viewport }).promise;
    return await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  } catch {
    // A damaged or encrypted PDF, or no worker configured: the icon is a fine fallback.
    return null;
  } finally {
    void task.destroy().catch(() => {});
  }
}

/** A PNG of the first page, or `null` when pdf.js is missing or the PDF cannot be drawn. */
export function pdfThumbnail(blob: Blob): Promise<Blob | null> {
  let preview = previews.get(blob);
  if (!preview) {
    preview = render(blob).catch(() => null);
    previews.set(blob, preview);
  }
  return preview;
}
