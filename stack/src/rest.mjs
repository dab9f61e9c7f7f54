// @ts-check
// /rest/v1: a read-only subset of PostgREST, enough to ask what every hosted project's Data API
// answers to a caller with the publishable key or a session — the question `npm run verify`
// asks ("can anon read documents? can user B read user A's row?"). The uploader itself never
// uses PostgREST (its functions talk SQL), but on hosted the Data API is always there for
// anyone holding the publishable key, so grants and RLS must hold there too.
//
// Served: GET (and HEAD) /rest/v1/<table or view in public>?select=a,b&col=op.value&limit=N,
// run as PostgREST runs it — one transaction under the caller's role with request.jwt.claims —
// and PostgREST's error shape `{code, details, hint, message}`: 42501 is 401 for anon and 403
// for any other role, an unknown relation 404 PGRST205, a bad token 401 PGRST301/PGRST303.
// Not served: writes, embedding, ordering, other operators, RPC, schemas other than public.
import { HttpError, bearer, sendJson } from './http.mjs';

/** PostgREST's filter operators we accept, and the SQL each stands for. */
const OPERATORS = /** @type {Record<string, string>} */ ({ eq: '=', neq: '<>', lt: '<', lte: '<=', gt: '>', gte: '>=' });
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Query parameters that are not column filters. */
const RESERVED = new Set(['select', 'limit', 'offset', 'order', 'columns', 'on_conflict']);

/** @param {string} name */
const quote = (name) => `"${name.replace(/"/g, '""')}"`;

/** PostgREST's error body. @param {string} code @param {string} message @param {string | null} [hint] */
const pgrstError = (code, message, hint = null) => ({ code, details: null, hint, message });

/**
 * The caller's claims, as PostgREST reads them: no token is its anon role; a token that does not
 * verify is refused (the gateway has already turned an sb_ key into a role JWT).
 * @param {import('./stack.mjs').StackContext} ctx @param {import('node:http').IncomingMessage} req
 */
async function claimsOf(ctx, req) {
  const token = bearer(req);
  if (!token) return { role: 'anon' };
  try {
    return await ctx.verifyJwt(token);
  } catch (error) {
    const expired = /exp/i.test(String(/** @type {any} */ (error)?.code ?? '')) || /expired/i.test(String(error));
    throw Object.assign(new Error('jwt'), { pgrst: expired ? pgrstError('PGRST303', 'JWT expired') : pgrstError('PGRST301', 'No suitable key or wrong key type') });
  }
}

/**
 * Turn the query string into SQL text and parameters; anything outside the subset is PostgREST's
 * 400 PGRST100 rather than a guess.
 * @param {string} table @param {URLSearchParams} params
 */
export function buildQuery(table, params) {
  const bad = (/** @type {string} */ what) => Object.assign(new Error(what), { pgrst: pgrstError('PGRST100', `"failed to parse ${what}"`) });
  const select = params.get('select') ?? '*';
  const columns = select === '*' ? ['*'] : select.split(',').map((c) => c.trim());
  if (!columns.every((c) => c === '*' || IDENTIFIER.test(c))) throw bad(`select (${select})`);
  /** @type {string[]} */
  const where = [];
  /** @type {string[]} */
  const values = [];
  for (const [column, filter] of params) {
    if (RESERVED.has(column)) continue;
    if (!IDENTIFIER.test(column)) throw bad(`filter (${column})`);
    const m = /^(eq|neq|lt|lte|gt|gte|is)\.(.*)$/s.exec(filter);
    if (!m) throw bad(`filter (${column}=${filter})`);
    const op = m[1] ?? '';
    const value = m[2] ?? '';
    if (op === 'is') {
      if (!/^(null|true|false)$/.test(value)) throw bad(`filter (${column}=${filter})`);
      where.push(`${quote(column)} is ${value}`);
    } else {
      // Compared as text: PostgREST casts the literal to the column's type; for the ids, names and
      // statuses this subset is for, comparing the column's text form gives the same rows.
      values.push(value);
      where.push(`${quote(column)}::text ${OPERATORS[op]} $${values.length}`);
    }
  }
  const limit = params.get('limit');
  if (limit !== null && !/^\d{1,9}$/.test(limit)) throw bad(`limit (${limit})`);
  const text = `select ${columns.map((c) => (c === '*' ? '*' : quote(c))).join(', ')} from public.${quote(table)}` +
    (where.length ? ` where ${where.join(' and ')}` : '') + (limit !== null ? ` limit ${Number(limit)}` : '');
  return { text, values };
}

/** @param {import('./stack.mjs').StackContext} ctx @returns {import('./stack.mjs').Service} */
export function createRestService(ctx) {
  return {
    prefix: '/rest/v1',
    async handle(req, res, url) {
      const table = decodeURIComponent(url.pathname.slice('/rest/v1/'.length));
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        req.resume();
        throw new HttpError(405, 'method_not_allowed', 'The local stack serves /rest/v1 read-only (GET).');
      }
      try {
        if (!IDENTIFIER.test(table)) throw Object.assign(new Error('table'), { pgrst: pgrstError('PGRST205', `Could not find the table 'public.${table}' in the schema cache`), status: 404 });
        const claims = await claimsOf(ctx, req);
        const { text, values } = buildQuery(table, url.searchParams);
        const role = String(claims.role ?? 'anon');
        const [known] = await ctx.sql`select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace
                                        where n.nspname = 'public' and c.relname = ${table} and c.relkind in ('r', 'v', 'm', 'p', 'f')`;
        if (!known) throw Object.assign(new Error('table'), { pgrst: pgrstError('PGRST205', `Could not find the table 'public.${table}' in the schema cache`), status: 404 });
        const rows = await ctx.asRole({ ...claims, role }, (tx) => tx.unsafe(text, values)).catch((error) => {
          // PostgREST: insufficient privilege is 401 for the anonymous role, 403 for any other.
          if (error?.code === '42501') throw Object.assign(error, { pgrst: pgrstError('42501', error.message), status: role === 'anon' ? 401 : 403 });
          if (error?.code === '42703') throw Object.assign(error, { pgrst: pgrstError('42703', error.message), status: 400 });
          throw error;
        });
        if (req.method === 'HEAD') {
          res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
          res.end();
        } else {
          sendJson(res, 200, [...rows]);
        }
      } catch (error) {
        const e = /** @type {any} */ (error);
        if (!e?.pgrst) throw error;
        sendJson(res, e.status ?? (e.pgrst.code.startsWith('PGRST3') ? 401 : 400), e.pgrst);
      }
    },
  };
}
