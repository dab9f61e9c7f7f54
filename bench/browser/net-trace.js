// Watches the page's own requests (fetch and XMLHttpRequest) so a bench can say when the first
// byte of a file left, how many bytes went to Storage and what each upload-handler POST cost.
// Installed once per page, before any client is made: core's backend API calls
// globalThis.fetch per request; tus-js-client and core's PUT transport use XMLHttpRequest.
// Each entry: { kind, method, path, start, end, bytes, status } with times from performance.now().
// kind: 'storage' (a request to /storage/v1/ carrying file bytes: PUT, TUS PATCH), 'fingerprint'
// (upload-handler POST starting with a fingerprint), 'hash' (upload-handler POST delivering a
// late hash), 'init' (upload-handler POST with the whole-file hash: the classic start), 'other'.
const entries = [];
let installed = false;

const bodySize = (body) => {
  if (body == null) return 0;
  if (typeof body === 'string') return new TextEncoder().encode(body).length;
  if (body instanceof Blob) return body.size;
  if (body instanceof ArrayBuffer) return body.byteLength;
  if (ArrayBuffer.isView(body)) return body.byteLength;
  return 0;
};

function classify(method, url, body) {
  let path;
  try { path = new URL(url, location.href).pathname; } catch { path = String(url); }
  if (path.includes('/functions/v1/upload-handler') && method === 'POST' && typeof body === 'string') {
    let json = {};
    try { json = JSON.parse(body); } catch { /* not JSON */ }
    if (typeof json.fingerprint === 'string') return { kind: 'fingerprint', path };
    if (typeof json.fileHash === 'string' && typeof json.documentId === 'string' && json.filename === undefined) return { kind: 'hash', path };
    if (typeof json.fileHash === 'string') return { kind: 'init', path };
    return { kind: 'other', path };
  }
  // File bytes only (a Blob or buffer body): not supabase-js' JSON calls such as the signing POST.
  const binary = body instanceof Blob || body instanceof ArrayBuffer || ArrayBuffer.isView(body);
  if (path.includes('/storage/v1/') && binary && bodySize(body) > 0) return { kind: 'storage', path };
  return { kind: 'other', path };
}

export function installNetTrace() {
  if (installed) return;
  installed = true;
  const realFetch = globalThis.fetch.bind(globalThis);
  globalThis.fetch = async (input, init) => {
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const url = input instanceof Request ? input.url : String(input);
    const body = init?.body;
    const e = { ...classify(method, url, body), method, start: performance.now(), end: undefined, bytes: bodySize(body), status: undefined };
    entries.push(e);
    try {
      const res = await realFetch(input, init);
      e.status = res.status;
      // The round trip ends when the answer's body is in (what the caller waits for).
      const clone = res.clone();
      clone.arrayBuffer().then(() => { e.end = performance.now(); }, () => { e.end = performance.now(); });
      return res;
    } catch (error) {
      e.end = performance.now();
      throw error;
    }
  };
  const open = XMLHttpRequest.prototype.open;
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    this.__trace = { method: String(method).toUpperCase(), url: String(url) };
    return open.call(this, method, url, ...rest);
  };
  XMLHttpRequest.prototype.send = function (body) {
    const t = this.__trace;
    if (t) {
      const e = { ...classify(t.method, t.url, body), method: t.method, start: performance.now(), end: undefined, bytes: bodySize(body), status: undefined };
      entries.push(e);
      this.addEventListener('loadend', () => { e.end = performance.now(); e.status = this.status; });
    }
    return send.call(this, body);
  };
}

/** Entries from index `from` on (a mark taken with `traceMark()`), times made relative to `t0`. */
export function traceSince(from, t0) {
  return entries.slice(from).map((e) => ({ ...e, start: e.start - t0, end: e.end === undefined ? undefined : e.end - t0 }));
}

export const traceMark = () => entries.length;

/** Summary of one upload's requests: time to first Storage byte, bytes to Storage, each upload-handler POST. */
export function summarizeTrace(list) {
  const storage = list.filter((e) => e.kind === 'storage');
  const posts = list.filter((e) => e.kind === 'fingerprint' || e.kind === 'hash' || e.kind === 'init');
  return {
    firstByteMs: storage.length ? Math.min(...storage.map((e) => e.start)) : undefined,
    storageBytes: storage.reduce((n, e) => n + e.bytes, 0),
    storageRequests: storage.length,
    posts: posts.map((e) => ({ kind: e.kind, start: e.start, ms: e.end === undefined ? undefined : e.end - e.start, status: e.status })),
  };
}
