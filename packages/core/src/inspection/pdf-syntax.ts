// PDF object syntax (ISO 32000-1, 7.2–7.3): a tokenizer and object parser over a window of
// bytes. Reading past the window's end throws NeedMore, so a caller can read a larger window
// and try again; objects are parsed as far as inspection needs (strings keep no content).

/** The window ended before the object did. */
export class NeedMore extends Error {
  constructor() {
    super('The PDF object continues past the bytes read.');
  }
}

export class PdfName {
  constructor(readonly name: string) {}
}
export class PdfRef {
  constructor(
    readonly num: number,
    readonly gen: number,
  ) {}
}
/** A string; its bytes are not kept (inspection never needs them, and they may be encrypted). */
export class PdfString {}
export class PdfKeyword {
  constructor(readonly word: string) {}
}
export type PdfDict = Map<string, PdfValue>;
export type PdfValue = null | boolean | number | PdfName | PdfRef | PdfString | PdfValue[] | PdfDict | PdfKeyword;

export function isWhite(c: number | undefined): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0x00;
}
/** ( ) < > [ ] { } / % */
export function isDelimiter(c: number | undefined): boolean {
  return c === 0x28 || c === 0x29 || c === 0x3c || c === 0x3e || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d || c === 0x2f || c === 0x25;
}
function isRegular(c: number | undefined): c is number {
  return c !== undefined && !isWhite(c) && !isDelimiter(c);
}

export class PdfParser {
  constructor(
    readonly bytes: Uint8Array,
    public pos = 0,
  ) {}

  #byte(offset = 0): number {
    const c = this.bytes[this.pos + offset];
    if (c === undefined) throw new NeedMore();
    return c;
  }

  /** Skips whitespace and comments. */
  skipSpace(): void {
    const { bytes } = this;
    for (;;) {
      const c = bytes[this.pos];
      if (c === undefined) return;
      if (isWhite(c)) {
        this.pos++;
      } else if (c === 0x25) {
        while (this.pos < bytes.length && bytes[this.pos] !== 0x0a && bytes[this.pos] !== 0x0d) this.pos++;
      } else {
        return;
      }
    }
  }

  atEnd(): boolean {
    this.skipSpace();
    return this.pos >= this.bytes.length;
  }

  #word(): string {
    const start = this.pos;
    while (isRegular(this.bytes[this.pos])) this.pos++;
    if (this.pos >= this.bytes.length) throw new NeedMore();
    return String.fromCharCode(...this.bytes.subarray(start, this.pos));
  }

  #name(): PdfName {
    this.pos++; // '/'
    const raw = this.#word();
    return new PdfName(raw.includes('#') ? raw.replace(/#([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))) : raw);
  }

  /** Skips a literal string `( … )`, with nested parentheses and backslash escapes. */
  skipLiteralString(): void {
    this.pos++;
    let depth = 1;
    while (depth > 0) {
      const c = this.#byte();
      this.pos++;
      if (c === 0x5c) this.pos++;
      else if (c === 0x28) depth++;
      else if (c === 0x29) depth--;
    }
  }

  /** Skips a hex string `< … >`. */
  skipHexString(): void {
    while (this.#byte() !== 0x3e) this.pos++;
    this.pos++;
  }

  /** The next object; `N G R` references are recognised. Keywords come back as PdfKeyword. */
  value(): PdfValue {
    this.skipSpace();
    const c = this.#byte();
    if (c === 0x2f) return this.#name();
    if (c === 0x28) {
      this.skipLiteralString();
      return new PdfString();
    }
    if (c === 0x3c) {
      if (this.#byte(1) === 0x3c) return this.#dict();
      this.skipHexString();
      return new PdfString();
    }
    if (c === 0x5b) {
      this.pos++;
      const items: PdfValue[] = [];
      for (;;) {
        this.skipSpace();
        if (this.#byte() === 0x5d) {
          this.pos++;
          return items;
        }
        items.push(this.value());
      }
    }
    if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e) return this.#numberOrRef();
    if (isRegular(c)) {
      const word = this.#word();
      if (word === 'true') return true;
      if (word === 'false') return false;
      if (word === 'null') return null;
      return new PdfKeyword(word);
    }
    // A stray delimiter (`)`, `>`, `{`): step over it.
    this.pos++;
    return new PdfKeyword(String.fromCharCode(c));
  }

  #dict(): PdfDict {
    this.pos += 2;
    const dict: PdfDict = new Map();
    for (;;) {
      this.skipSpace();
      if (this.#byte() === 0x3e && this.#byte(1) === 0x3e) {
        this.pos += 2;
        return dict;
      }
      const key = this.value();
      const value = this.value();
      if (key instanceof PdfName) dict.set(key.name, value);
    }
  }

  #numberOrRef(): number | PdfRef {
    const text = this.#word();
    const num = Number(text);
    const value = Number.isFinite(num) ? num : 0;
    if (!/^\d+$/.test(text)) return value;
    // `N G R`: look ahead for a generation number and `R`.
    const save = this.pos;
    this.skipSpace();
    const c = this.#byte();
    if (c >= 0x30 && c <= 0x39) {
      const gen = this.#word();
      this.skipSpace();
      if (/^\d+$/.test(gen) && this.#byte() === 0x52 && !isRegular(this.#byte(1))) {
        this.pos++;
        return new PdfRef(value, Number(gen));
      }
    }
    this.pos = save;
    return value;
  }

  /** Reads `N G obj <value>` and, if a stream follows, where its data starts (in these bytes). */
  indirect(): { num: number; gen: number; value: PdfValue; streamStart: number | undefined } {
    const num = this.value();
    const gen = this.value();
    const obj = this.value();
    if (typeof num !== 'number' || typeof gen !== 'number' || !(obj instanceof PdfKeyword) || obj.word !== 'obj') {
      throw new SyntaxError('Not an indirect object.');
    }
    const value = this.value();
    this.skipSpace();
    let streamStart: number | undefined;
    if (value instanceof Map && this.bytes[this.pos] === 0x73) {
      const word = this.value();
      if (word instanceof PdfKeyword && word.word === 'stream') {
        // `stream` is followed by CRLF or LF (a lone CR is tolerated, as readers do).
        if (this.#byte() === 0x0d) this.pos++;
        if (this.bytes[this.pos] === 0x0a) this.pos++;
        streamStart = this.pos;
      }
    }
    return { num, gen, value, streamStart };
  }
}

export function isDict(value: PdfValue | undefined): value is PdfDict {
  return value instanceof Map;
}

export function nameOf(value: PdfValue | undefined): string | undefined {
  return value instanceof PdfName ? value.name : undefined;
}

/** Parses a whole buffer of `N G obj` / values (used for object streams' headers). */
export function parseNumbers(bytes: Uint8Array, count: number): number[] {
  const parser = new PdfParser(bytes);
  const numbers: number[] = [];
  while (numbers.length < count) {
    const value = parser.value();
    if (typeof value !== 'number') break;
    numbers.push(value);
  }
  return numbers;
}
