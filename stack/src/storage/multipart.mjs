// @ts-check
// A small streaming multipart/form-data reader (RFC 7578) for signed uploads: fields are read
// into memory (bounded), a file part is streamed chunk by chunk so a 50 MiB body never sits in
// memory. Pull-based over the request's async iterator, so backpressure is natural and the
// caller decides when to stop reading.
import { ERRORS } from './errors.mjs';

const MAX_HEADER_BYTES = 16 * 1024;
const MAX_PREAMBLE_BYTES = 64 * 1024;
const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

/** @param {string} why */
const malformed = (why) => ERRORS.InvalidRequest(`Malformed multipart body: ${why}`);

/**
 * The boundary of a `multipart/form-data` content type, or undefined.
 * @param {string | undefined} contentType
 */
export function multipartBoundary(contentType) {
  if (!contentType || !/^multipart\/form-data\s*(;|$)/i.test(contentType)) return undefined;
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

/**
 * @typedef {object} Part
 * @property {Record<string, string>} headers  lower-cased names
 * @property {string} name                     the form field name ('' for supabase-js files)
 * @property {string | undefined} filename     present for file parts
 * @property {string | undefined} contentType
 */

/** @param {string} disposition @param {string} param */
function dispositionParam(disposition, param) {
  const re = new RegExp(`(?:^|;)\\s*${param}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]*))`, 'i');
  const m = re.exec(disposition);
  if (!m) return undefined;
  return m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2];
}

export class MultipartReader {
  /**
   * @param {AsyncIterator<Buffer | string>} source  e.g. `req.iterator({ destroyOnReturn: false })`
   * @param {string} boundary
   */
  constructor(source, boundary) {
    this.source = source;
    this.dashBoundary = Buffer.from(`--${boundary}`);
    this.delimiter = Buffer.from(`\r\n--${boundary}`);
    /** @type {Buffer} */
    this.buf = Buffer.alloc(0);
    /** @type {'start' | 'after-boundary' | 'body' | 'end'} */
    this.state = 'start';
    this.eof = false;
  }

  /** Pull one more chunk into the buffer; false at the end of the body. */
  async fill() {
    if (this.eof) return false;
    const { value, done } = await this.source.next();
    if (done) {
      this.eof = true;
      return false;
    }
    const chunk = typeof value === 'string' ? Buffer.from(value) : value;
    this.buf = /** @type {Buffer} */ (this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk);
    return true;
  }

  /** @param {number} n */
  async need(n) {
    while (this.buf.length < n) {
      if (!(await this.fill())) throw malformed('unexpected end of body');
    }
  }

  /**
   * The next part's headers, or null after the closing boundary. An unread body of the
   * current part is skipped.
   * @returns {Promise<Part | null>}
   */
  async next() {
    if (this.state === 'body') {
      for await (const _ of this.body()) {
        // skip
      }
    }
    if (this.state === 'end') return null;
    if (this.state === 'start') {
      for (;;) {
        const i = this.buf.indexOf(this.dashBoundary);
        if (i >= 0) {
          this.buf = this.buf.subarray(i + this.dashBoundary.length);
          break;
        }
        if (this.buf.length > MAX_PREAMBLE_BYTES) throw malformed('no boundary found');
        if (!(await this.fill())) throw malformed('no boundary found');
      }
      this.state = 'after-boundary';
    }
    // After a boundary: "--" closes the body, CRLF starts a part.
    await this.need(2);
    if (this.buf[0] === 0x2d && this.buf[1] === 0x2d) {
      this.state = 'end';
      return null;
    }
    if (!this.buf.subarray(0, 2).equals(CRLF)) throw malformed('bad boundary line');
    this.buf = this.buf.subarray(2);

    /** @type {Record<string, string>} */
    const headers = {};
    await this.need(2);
    if (this.buf.subarray(0, 2).equals(CRLF)) {
      this.buf = this.buf.subarray(2); // a part without headers
    } else {
      let end;
      for (;;) {
        end = this.buf.indexOf(HEADER_END);
        if (end >= 0) break;
        if (this.buf.length > MAX_HEADER_BYTES) throw malformed('part headers too large');
        if (!(await this.fill())) throw malformed('unexpected end of part headers');
      }
      const block = this.buf.subarray(0, end).toString('utf8');
      this.buf = this.buf.subarray(end + HEADER_END.length);
      for (const line of block.split('\r\n')) {
        const colon = line.indexOf(':');
        if (colon <= 0) throw malformed('bad part header');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
    }
    this.state = 'body';
    const disposition = headers['content-disposition'] ?? '';
    if (!/^form-data\b/i.test(disposition)) throw malformed('part without Content-Disposition: form-data');
    return {
      headers,
      name: dispositionParam(disposition, 'name') ?? '',
      filename: dispositionParam(disposition, 'filename') ?? dispositionParam(disposition, 'filename\\*'),
      contentType: headers['content-type'],
    };
  }

  /**
   * The current part's bytes, chunk by chunk.
   * @returns {AsyncGenerator<Buffer>}
   */
  async *body() {
    if (this.state !== 'body') return;
    const keep = this.delimiter.length - 1;
    for (;;) {
      const i = this.buf.indexOf(this.delimiter);
      if (i >= 0) {
        const data = this.buf.subarray(0, i);
        this.buf = this.buf.subarray(i + this.delimiter.length);
        this.state = 'after-boundary';
        if (data.length) yield data;
        return;
      }
      if (this.buf.length > keep) {
        const data = this.buf.subarray(0, this.buf.length - keep);
        this.buf = this.buf.subarray(this.buf.length - keep);
        yield data;
      }
      if (!(await this.fill())) throw malformed('unexpected end of part');
    }
  }

  /**
   * The current part as a string, refusing more than `limit` bytes.
   * @param {number} limit
   * @param {() => Error} tooLarge
   */
  async text(limit, tooLarge) {
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    for await (const chunk of this.body()) {
      size += chunk.length;
      if (size > limit) throw tooLarge();
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  }
}
