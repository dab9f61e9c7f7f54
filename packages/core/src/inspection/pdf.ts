// Inspects a PDF by reading only what it needs: the first KiB (version, linearization
// dictionary), the last KiB (startxref, %%EOF), the cross-reference sections, and the objects
// the page tree and a sample of pages point at, by offset. Image data is never read; page
// content streams are read for the sampled pages only. See README.md for why not pdf.js.
import { latin1, inflate, type Source } from './source.js';
import type { DocumentDamage, DocumentInfo, TextLayer } from './document-info.js';
import { PDF_HEADER_WINDOW } from '../validation/magic.js';
import {
  NeedMore,
  PdfKeyword,
  PdfParser,
  PdfRef,
  isDict,
  isDelimiter,
  isWhite,
  nameOf,
  parseNumbers,
  type PdfDict,
  type PdfValue,
} from './pdf-syntax.js';

/**
 * Pages whose content is examined for the text layer. A 2,000-page scan would otherwise read
 * 2,000 content streams and resource dictionaries; 50 pages spread evenly over the document
 * (first and last included) tell text, scans and mixtures apart in practice, and keep the
 * cost flat whatever the length.
 */
export const MAX_SAMPLED_PAGES = 50;
/** Kids of a page-tree node prefetched together (a node holding more is read kid by kid past these). */
const MAX_PREFETCHED_KIDS = 128;
/** Bytes prefetched per object: a page or image dictionary, a small content stream. */
const PREFETCH_WINDOW = 4096;
/** `startxref` and `%%EOF` are in the last bytes; 1 KiB leaves room for trailing junk. */
const TAIL_SIZE = 1024;
/** The first read of an object; doubled while the object continues past it. */
const OBJECT_WINDOW = 1024;
/** The largest object (dictionary, xref section) read in one piece; beyond it is damage. */
const MAX_WINDOW = 64 * 1024 * 1024;
/** Page tree depth and Form XObject nesting limits, against loops in hostile files. */
const MAX_DEPTH = 32;
const MAX_FORM_DEPTH = 4;

type XrefEntry = { offset: number } | { stream: number; index: number };

class Damaged extends Error {
  constructor(readonly damage: DocumentDamage) {
    super(damage);
  }
}

interface StreamObject {
  dict: PdfDict;
  /** Absolute offset of the stream's data. */
  start: number;
}

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const ENDOBJ_PAD = ascii(' endobj ');

export async function inspectPdf(source: Source): Promise<DocumentInfo> {
  const head = await source.read(0, PDF_HEADER_WINDOW * 2);
  const headText = latin1(head);
  const version = /%PDF-(\d\.\d)/.exec(headText.slice(0, PDF_HEADER_WINDOW + 8))?.[1] ?? null;
  const base = {
    kind: 'pdf' as const,
    pageCount: null,
    wordCount: null,
    lineCount: null,
    encrypted: false,
    textLayer: 'none' as TextLayer,
    macros: false,
    encoding: null,
    binary: false,
    pdfVersion: version,
    linearized: null as boolean | null,
    incrementalUpdates: null as number | null,
  };
  if (version === null) return { ...base, damage: 'unreadable' };
  const headerOffset = headText.indexOf('%PDF-');
  const pdf = new PdfReader(source, headerOffset);
  const linearization = firstObjectLinearization(head, headerOffset);
  const linearized = linearization !== undefined;
  try {
    const tail = latin1(await source.read(source.size - TAIL_SIZE, source.size));
    if (!tail.includes('%%EOF')) throw new Damaged('truncated');
    const startxref = /startxref\s+(\d+)\s+%%EOF/.exec(tail.slice(tail.lastIndexOf('startxref')));
    if (startxref === null) throw new Damaged('no-xref');
    const sections = await pdf.readXrefChain(Number(startxref[1]));
    // A linearized file carries two sections from the start: the first page's, near the top,
    // and the main one. Only sections beyond those are incremental updates.
    const layoutSections = linearized && sections.some((offset) => offset < linearization + 4096) ? 2 : 1;
    const incrementalUpdates = Math.max(0, sections.length - layoutSections);
    const encrypted = pdf.trailer.has('Encrypt');
    pdf.encrypted = encrypted;
    const { pageCount, textLayer } = await pdf.pages();
    return { ...base, linearized, incrementalUpdates, encrypted, pageCount, textLayer, damage: null };
  } catch (error) {
    if (!(error instanceof Damaged)) throw error;
    return { ...base, linearized, damage: error.damage };
  }
}

/** The offset of the first object when it is a linearization dictionary, else undefined. */
function firstObjectLinearization(head: Uint8Array, headerOffset: number): number | undefined {
  try {
    const parser = new PdfParser(head, headerOffset);
    parser.skipSpace();
    const at = parser.pos;
    const { value } = parser.indirect();
    return isDict(value) && value.has('Linearized') ? at : undefined;
  } catch {
    return undefined;
  }
}

class PdfReader {
  readonly #source: Source;
  /** Offsets in the file are relative to the header (junk before `%PDF-` shifts them). */
  readonly #shift: number;
  readonly #entries = new Map<number, XrefEntry>();
  readonly #cache = new Map<number, PdfValue>();
  readonly #objectStreams = new Map<number, { data: Uint8Array; offsets: Map<number, number> } | undefined>();
  trailer: PdfDict = new Map();
  encrypted = false;

  constructor(source: Source, shift: number) {
    this.#source = source;
    this.#shift = shift;
  }

  /**
   * Parses bytes from `offset` with `parse`, reading a larger window while the parse runs
   * past the one read. Throws Damaged('no-xref') when `parse` fails on complete bytes.
   */
  async #parseAt<T>(offset: number, parse: (parser: PdfParser) => T, window = OBJECT_WINDOW): Promise<T> {
    const size = this.#source.size;
    if (offset < 0 || offset >= size) throw new SyntaxError(`Offset ${offset} is outside the file.`);
    for (;;) {
      const bytes = await this.#source.read(offset, offset + window);
      try {
        return parse(new PdfParser(bytes));
      } catch (error) {
        if (!(error instanceof NeedMore) || offset + window >= size || window >= MAX_WINDOW) throw error;
        window *= 4;
      }
    }
  }

  /** Follows startxref and the /Prev chain; returns each section's offset, newest first. */
  async readXrefChain(startxref: number): Promise<number[]> {
    const sections: number[] = [];
    let offset: number | undefined = startxref;
    while (offset !== undefined && !sections.includes(offset)) {
      let trailer: PdfDict;
      try {
        trailer = await this.#readSection(offset);
      } catch (error) {
        this.#source.check();
        if (error instanceof Damaged) throw error;
        // The newest section is what the reader starts from; an older one that cannot be
        // read only loses history.
        if (sections.length === 0) throw new Damaged('no-xref');
        break;
      }
      if (sections.length === 0) this.trailer = trailer;
      sections.push(offset);
      // A hybrid file's table points at an xref stream with the objects it compresses.
      const stm = trailer.get('XRefStm');
      if (typeof stm === 'number') await this.#readSection(stm).catch(() => undefined);
      const prev = trailer.get('Prev');
      offset = typeof prev === 'number' ? prev : undefined;
    }
    if (!this.trailer.has('Root')) throw new Damaged('no-xref');
    return sections;
  }

  #add(num: number, entry: XrefEntry): void {
    // Sections are read newest first: the first entry for an object is the live one.
    if (!this.#entries.has(num)) this.#entries.set(num, entry);
  }

  async #readSection(offset: number): Promise<PdfDict> {
    const at = offset + this.#shift;
    // Some writers point at the line break before the section: skip leading whitespace.
    const head = await this.#source.read(at, at + 64);
    let skip = 0;
    while (skip < head.length && isWhite(head[skip])) skip++;
    if (latin1(head.subarray(skip, skip + 4)) === 'xref') return this.#readTable(at + skip);
    return this.#readXrefStream(at + skip);
  }

  /** A classic table: `xref`, subsections `start count` of `offset gen n|f` lines, `trailer`. */
  async #readTable(at: number): Promise<PdfDict> {
    const found: [number, XrefEntry][] = [];
    const trailer = await this.#parseAt(at, (parser) => {
      found.length = 0;
      parser.value(); // xref
      for (;;) {
        const start = parser.value();
        if (start instanceof PdfKeyword && start.word === 'trailer') break;
        const count = parser.value();
        if (typeof start !== 'number' || typeof count !== 'number') throw new SyntaxError('Bad xref subsection.');
        for (let i = 0; i < count; i++) {
          const entryOffset = parser.value();
          parser.value();
          const type = parser.value();
          if (typeof entryOffset !== 'number' || !(type instanceof PdfKeyword)) throw new SyntaxError('Bad xref entry.');
          if (type.word === 'n') found.push([start + i, { offset: entryOffset }]);
        }
      }
      const dict = parser.value();
      if (!isDict(dict)) throw new SyntaxError('Bad trailer.');
      return dict;
    }, 64 * 1024);
    for (const [num, entry] of found) this.#add(num, entry);
    return trailer;
  }

  /** A PDF 1.5 cross-reference stream: binary rows of /W widths, over /Index ranges. */
  async #readXrefStream(at: number): Promise<PdfDict> {
    const stream = await this.#readStreamObject(at);
    if (stream === undefined || nameOf(stream.dict.get('Type')) !== 'XRef') throw new SyntaxError('Not an xref stream.');
    const data = await this.#streamData(stream, true);
    const widths = stream.dict.get('W');
    if (data === undefined || !Array.isArray(widths) || widths.length !== 3) throw new SyntaxError('Bad xref stream.');
    const [w0, w1, w2] = widths.map((w) => (typeof w === 'number' ? w : 0)) as [number, number, number];
    const size = stream.dict.get('Size');
    const index = stream.dict.get('Index') ?? [0, typeof size === 'number' ? size : 0];
    const ranges = Array.isArray(index) ? index.filter((n): n is number => typeof n === 'number') : [];
    const field = (pos: number, width: number) => {
      let value = 0;
      for (let k = 0; k < width; k++) value = value * 256 + (data[pos + k] ?? 0);
      return value;
    };
    const row = w0 + w1 + w2;
    let pos = 0;
    for (let r = 0; r + 1 < ranges.length; r += 2) {
      const start = ranges[r] ?? 0;
      const count = ranges[r + 1] ?? 0;
      for (let i = 0; i < count && pos + row <= data.length; i++, pos += row) {
        const type = w0 === 0 ? 1 : field(pos, w0);
        const a = field(pos + w0, w1);
        const b = field(pos + w0 + w1, w2);
        if (type === 1) this.#add(start + i, { offset: a });
        else if (type === 2) this.#add(start + i, { stream: a, index: b });
      }
    }
    return stream.dict;
  }

  /** `N G obj << … >> stream` at an absolute offset: its dictionary and where its data starts. */
  async #readStreamObject(at: number): Promise<StreamObject | undefined> {
    const { value, streamStart } = await this.#parseAt(at, (parser) => parser.indirect());
    if (!isDict(value) || streamStart === undefined) return undefined;
    return { dict: value, start: at + streamStart };
  }

  /**
   * A stream's decoded data: FlateDecode (with PNG/TIFF-free predictors 10–15) or no filter.
   * `undefined` for other filters, for encrypted data (except xref streams, never encrypted),
   * and for a /Length that cannot be resolved.
   */
  async #streamData(stream: StreamObject, plain = false): Promise<Uint8Array | undefined> {
    if (this.encrypted && !plain) return undefined;
    const length = await this.resolve(stream.dict.get('Length'));
    if (typeof length !== 'number' || length < 0) return undefined;
    const raw = await this.#source.read(stream.start, stream.start + length);
    const filter = stream.dict.get('Filter');
    const filters = Array.isArray(filter) ? filter.map(nameOf) : filter === undefined ? [] : [nameOf(filter)];
    if (filters.length === 0) return raw;
    if (filters.length !== 1 || (filters[0] !== 'FlateDecode' && filters[0] !== 'Fl')) return undefined;
    const inflated = await inflate(raw, 'deflate', this.#source);
    if (inflated === undefined) return undefined;
    let parms = await this.resolve(stream.dict.get('DecodeParms'));
    if (Array.isArray(parms)) parms = parms[0] ?? null;
    const predictor = isDict(parms) ? parms.get('Predictor') : undefined;
    if (typeof predictor !== 'number' || predictor < 10 || !isDict(parms)) return inflated;
    const columns = parms.get('Columns');
    return unpredictPng(inflated, typeof columns === 'number' ? columns : 1);
  }

  /** The object a reference points at (cached), or the value itself. */
  async resolve(value: PdfValue | undefined, depth = 0): Promise<PdfValue | undefined> {
    if (!(value instanceof PdfRef)) return value;
    if (depth > MAX_DEPTH) return undefined;
    const { num } = value;
    if (this.#cache.has(num)) return this.#cache.get(num);
    const object = await this.#load(num);
    const resolved = object === undefined ? undefined : await this.resolve(object.value, depth + 1);
    this.#cache.set(num, resolved ?? null);
    return resolved;
  }

  /** A stream object's dictionary and data position (streams live only at file offsets). */
  async stream(value: PdfValue | undefined): Promise<StreamObject | undefined> {
    if (!(value instanceof PdfRef)) return undefined;
    const entry = this.#entries.get(value.num);
    if (entry === undefined || !('offset' in entry)) return undefined;
    return this.#readStreamObject(entry.offset + this.#shift).catch(() => undefined);
  }

  async streamData(stream: StreamObject): Promise<Uint8Array | undefined> {
    return this.#streamData(stream);
  }

  async #load(num: number): Promise<{ value: PdfValue } | undefined> {
    const entry = this.#entries.get(num);
    if (entry === undefined) return undefined;
    if ('offset' in entry) {
      try {
        const object = await this.#parseAt(entry.offset + this.#shift, (parser) => parser.indirect());
        return object.num === num ? object : undefined;
      } catch {
        this.#source.check();
        return undefined;
      }
    }
    const objectStream = await this.#objectStream(entry.stream);
    const start = objectStream?.offsets.get(num);
    if (objectStream === undefined || start === undefined) return undefined;
    try {
      return { value: new PdfParser(objectStream.data, start).value() };
    } catch {
      return undefined;
    }
  }

  /** An object stream (/Type /ObjStm), decoded once: `N` pairs of number and offset, then objects. */
  async #objectStream(num: number) {
    if (this.#objectStreams.has(num)) return this.#objectStreams.get(num);
    let result: { data: Uint8Array; offsets: Map<number, number> } | undefined;
    const stream = await this.stream(new PdfRef(num, 0));
    // Encrypted object streams cannot be read without the password.
    const decoded = stream === undefined ? undefined : await this.#streamData(stream);
    if (stream !== undefined && decoded !== undefined) {
      const n = stream.dict.get('N');
      const first = stream.dict.get('First');
      if (typeof n === 'number' && typeof first === 'number') {
        const data = new Uint8Array(decoded.length + ENDOBJ_PAD.length);
        data.set(decoded);
        data.set(ENDOBJ_PAD, decoded.length);
        try {
          const pairs = parseNumbers(data, n * 2);
          const offsets = new Map<number, number>();
          for (let i = 0; i + 1 < pairs.length; i += 2) offsets.set(pairs[i] ?? 0, first + (pairs[i + 1] ?? 0));
          result = { data, offsets };
        } catch {
          result = undefined;
        }
      }
    }
    this.#objectStreams.set(num, result);
    return result;
  }

  /** Page count from the page tree, and the text layer of a sample of pages. */
  async pages(): Promise<{ pageCount: number | null; textLayer: TextLayer }> {
    const root = await this.resolve(this.trailer.get('Root'));
    const tree = isDict(root) ? await this.resolve(root.get('Pages')) : undefined;
    const count = isDict(tree) ? await this.resolve(tree.get('Count')) : undefined;
    if (!isDict(tree) || typeof count !== 'number' || count < 0) return { pageCount: null, textLayer: 'none' };
    const sample = count <= MAX_SAMPLED_PAGES
      ? Array.from({ length: count }, (_, i) => i)
      : Array.from({ length: MAX_SAMPLED_PAGES }, (_, i) => Math.round((i * (count - 1)) / (MAX_SAMPLED_PAGES - 1)));
    // The sampled pages' objects are fetched a level at a time, each level in one read
    // (Source.prefetch): the pages, their resources and contents, their XObjects.
    const found: { ref: PdfValue; resources: PdfValue | undefined; index: number }[] = [];
    for (const index of sample) {
      const page = await this.#pageAt(tree, index, undefined, 0, true);
      if (page !== undefined) found.push({ ...page, index });
    }
    await this.#prefetch(found.map((page) => page.ref));
    const pages: { dict: PdfDict; resources: PdfValue | undefined }[] = [];
    for (const { ref, resources, index } of found) {
      let page: { ref: PdfValue; resources: PdfValue | undefined } | undefined = { ref, resources };
      let dict = await this.resolve(ref);
      // The /Count shortcut met a node of page-tree nodes: walk kid by kid instead.
      if (isDict(dict) && nameOf(dict.get('Type')) === 'Pages') {
        page = await this.#pageAt(tree, index, undefined, 0, false);
        dict = await this.resolve(page?.ref);
      }
      if (isDict(dict) && page !== undefined) pages.push({ dict, resources: dict.get('Resources') ?? page.resources });
    }
    await this.#prefetch(pages.flatMap((page) => [page.resources ?? null, page.dict.get('Contents') ?? null]));
    const resources = await Promise.all(pages.map((page) => this.resolve(page.resources)));
    await this.#prefetch(resources.map((r) => (isDict(r) ? (r.get('XObject') ?? null) : null)));
    const level: PdfValue[] = [];
    for (const [i, r] of resources.entries()) {
      const xobjects = isDict(r) ? await this.resolve(r.get('XObject')) : undefined;
      if (isDict(xobjects)) level.push(...xobjects.values());
      const contents = await this.resolve(pages[i]?.dict.get('Contents'));
      level.push(...(Array.isArray(contents) ? contents : [pages[i]?.dict.get('Contents') ?? null]));
    }
    await this.#prefetch(level);
    let text = 0;
    let imageOnly = 0;
    for (const page of pages) {
      const kind = await this.#pageKind(page.dict, page.resources);
      if (kind === 'text') text++;
      else if (kind === 'image') imageOnly++;
      // A page of text and a page of images: 'mixed', whatever the other pages hold.
      if (text > 0 && imageOnly > 0) break;
    }
    const textLayer: TextLayer = text > 0 ? (imageOnly > 0 ? 'mixed' : 'text') : imageOnly > 0 ? 'image-only' : 'none';
    return { pageCount: count, textLayer };
  }

  /** Reads the windows of the objects `values` refer to (at file offsets) in one read. */
  async #prefetch(values: readonly PdfValue[]): Promise<void> {
    const starts: number[] = [];
    for (const value of values) {
      if (!(value instanceof PdfRef) || this.#cache.has(value.num)) continue;
      const entry = this.#entries.get(value.num);
      if (entry !== undefined && 'offset' in entry) starts.push(entry.offset + this.#shift);
    }
    await this.#source.prefetch(starts, PREFETCH_WINDOW);
  }

  /**
   * The page at `index` under `node` (a reference or its dictionary), found by the kids'
   * /Count so only one path of the tree is read, with the resources it inherits.
   */
  async #pageAt(node: PdfDict, index: number, inherited: PdfValue | undefined, depth: number, shortcut: boolean): Promise<{ ref: PdfValue; resources: PdfValue | undefined } | undefined> {
    if (depth > MAX_DEPTH) return undefined;
    const resources = node.get('Resources') ?? inherited;
    const kids = await this.resolve(node.get('Kids'));
    if (!Array.isArray(kids)) return undefined;
    // A node whose /Count equals its number of kids has only pages below it: go straight to
    // the one wanted instead of reading its siblings.
    if (shortcut && (await this.resolve(node.get('Count'))) === kids.length && kids[index] !== undefined) {
      return { ref: kids[index] ?? null, resources };
    }
    // Kids are read in order up to the one holding the page: fetch them in one read.
    await this.#prefetch(kids.slice(0, MAX_PREFETCHED_KIDS));
    let left = index;
    for (const kidRef of kids) {
      const kid = await this.resolve(kidRef);
      if (!isDict(kid)) continue;
      const type = nameOf(kid.get('Type'));
      if (type === 'Pages' || (type === undefined && kid.has('Kids'))) {
        const kidCount = await this.resolve(kid.get('Count'));
        const n = typeof kidCount === 'number' ? kidCount : 0;
        if (left < n) return this.#pageAt(kid, left, resources, depth + 1, shortcut);
        left -= n;
      } else {
        if (left === 0) return { ref: kid, resources };
        left--;
      }
    }
    return undefined;
  }

  /**
   * 'text': fonts in its resources and text-showing operators in its content; 'image': images
   * drawn and no text; 'blank' otherwise. Encrypted files' content cannot be read: their pages
   * are judged by their (unencrypted) resources alone.
   */
  async #pageKind(page: PdfDict, resources: PdfValue | undefined): Promise<'text' | 'image' | 'blank'> {
    const contents = await this.resolve(page.get('Contents'));
    const refs = Array.isArray(contents) ? contents : [page.get('Contents')];
    const marks = await this.#marks(refs, resources, 0);
    if (marks.text) return 'text';
    return marks.image ? 'image' : 'blank';
  }

  /** What content streams `refs` draw, with `resourcesValue` as their resources. */
  async #marks(refs: PdfValue[], resourcesValue: PdfValue | undefined, depth: number): Promise<{ text: boolean; image: boolean }> {
    const resources = await this.resolve(resourcesValue);
    const fontDict = isDict(resources) ? await this.resolve(resources.get('Font')) : undefined;
    const hasFonts = isDict(fontDict) && fontDict.size > 0;
    const xobjects = isDict(resources) ? await this.resolve(resources.get('XObject')) : undefined;
    const xobjectDict = isDict(xobjects) ? xobjects : new Map<string, PdfValue>();
    if (this.encrypted) {
      let image = false;
      for (const ref of xobjectDict.values()) {
        const stream = await this.stream(ref);
        if (nameOf(stream?.dict.get('Subtype')) === 'Image') image = true;
      }
      return { text: hasFonts, image };
    }
    let text = false;
    let image = false;
    for (const ref of refs) {
      const stream = await this.stream(ref);
      const data = stream === undefined ? undefined : await this.#streamData(stream);
      if (data === undefined) continue;
      const scan = scanContent(data);
      if (scan.text && hasFonts) text = true;
      if (scan.inlineImage) image = true;
      for (const name of scan.drawn) {
        const xobject = await this.stream(xobjectDict.get(name));
        if (xobject === undefined) continue;
        const subtype = nameOf(xobject.dict.get('Subtype'));
        if (subtype === 'Image') image = true;
        else if (subtype === 'Form' && depth < MAX_FORM_DEPTH) {
          const inner = await this.#marks([xobjectDict.get(name) ?? null], xobject.dict.get('Resources') ?? resources, depth + 1);
          text ||= inner.text;
          image ||= inner.image;
        }
      }
      if (text && image) break;
    }
    return { text, image };
  }
}

/** Undoes PNG predictors (10–15): each row starts with its filter type byte. */
function unpredictPng(data: Uint8Array, columns: number): Uint8Array {
  const rowSize = columns;
  const rows = Math.floor(data.length / (rowSize + 1));
  const out = new Uint8Array(rows * rowSize);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (rowSize + 1)] ?? 0;
    const input = r * (rowSize + 1) + 1;
    const at = r * rowSize;
    for (let i = 0; i < rowSize; i++) {
      const raw = data[input + i] ?? 0;
      const left = i > 0 ? (out[at + i - 1] ?? 0) : 0;
      const up = r > 0 ? (out[at - rowSize + i] ?? 0) : 0;
      const upLeft = r > 0 && i > 0 ? (out[at - rowSize + i - 1] ?? 0) : 0;
      let value = raw;
      if (type === 1) value = raw + left;
      else if (type === 2) value = raw + up;
      else if (type === 3) value = raw + ((left + up) >> 1);
      else if (type === 4) {
        const p = left + up - upLeft;
        const pa = Math.abs(p - left);
        const pb = Math.abs(p - up);
        const pc = Math.abs(p - upLeft);
        value = raw + (pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft);
      }
      out[at + i] = value & 0xff;
    }
  }
  return out;
}

/**
 * What a content stream does, as far as inspection cares: shows text (Tj, TJ, ', "), paints
 * XObjects by name (Do), or has inline images (BI … ID … EI). Strings and names are skipped
 * so their bytes are never taken for operators.
 */
export function scanContent(data: Uint8Array): { text: boolean; inlineImage: boolean; drawn: Set<string> } {
  const parser = new PdfParser(data);
  const drawn = new Set<string>();
  let text = false;
  let inlineImage = false;
  let lastName: string | undefined;
  const length = data.length;
  while (parser.pos < length) {
    parser.skipSpace();
    const c = data[parser.pos];
    if (c === undefined) break;
    if (c === 0x28) {
      try {
        parser.skipLiteralString();
      } catch {
        break;
      }
      continue;
    }
    if (c === 0x3c && data[parser.pos + 1] !== 0x3c) {
      try {
        parser.skipHexString();
      } catch {
        break;
      }
      continue;
    }
    if (c === 0x2f) {
      const start = ++parser.pos;
      while (parser.pos < length && !isWhite(data[parser.pos]) && !isDelimiter(data[parser.pos])) parser.pos++;
      lastName = String.fromCharCode(...data.subarray(start, parser.pos));
      continue;
    }
    if (isDelimiter(c)) {
      parser.pos++;
      continue;
    }
    const start = parser.pos;
    while (parser.pos < length && !isWhite(data[parser.pos]) && !isDelimiter(data[parser.pos])) parser.pos++;
    const op = String.fromCharCode(...data.subarray(start, Math.min(parser.pos, start + 3)));
    if (op === 'Tj' || op === 'TJ' || op === "'" || op === '"') text = true;
    else if (op === 'Do' && lastName !== undefined) drawn.add(lastName);
    else if (op === 'BI') {
      inlineImage = true;
      // Skip the image's binary data: it ends at whitespace, `EI`, whitespace (or the end).
      let i = parser.pos;
      while (i + 2 < length && !(isWhite(data[i]) && data[i + 1] === 0x45 && data[i + 2] === 0x49 && (i + 3 >= length || isWhite(data[i + 3])))) i++;
      parser.pos = i + 3;
    }
  }
  return { text, inlineImage, drawn };
}

