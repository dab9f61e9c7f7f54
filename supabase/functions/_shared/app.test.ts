import assert from 'node:assert/strict';
import { createHandler, type Deps, fromDatabaseError, isConnectionFailure } from './app.ts';
import { FrozenClock } from './clock.ts';
import { createDb, type Db } from './db.ts';
import type { Config } from './env.ts';
import { memoryLogger } from './log.ts';

const config: Config = {
  supabaseUrl: 'http://127.0.0.1:9',
  publishableKey: 'sb_publishable_test',
  dbUrl: 'postgresql://postgres@127.0.0.1:1/postgres',
  auth: { secretKeys: ['sb_secret_test'] },
  cors: {},
  bucket: 'documents',
  webhookSecrets: [],
  sharedSecretHeader: 'x-webhook-secret',
};

const deps = (db: Db): Deps => ({ config, db, clock: new FrozenClock(), log: memoryLogger(), fetch: globalThis.fetch.bind(globalThis) });
const throwing = (error: unknown) => createHandler('t', { GET: () => Promise.reject(error) }, () => deps({} as Db));
const get = (handler: (req: Request) => Promise<Response>) => handler(new Request('http://x/functions/v1/t', { headers: { origin: 'http://app' } }));

Deno.test({
  name: 'a database that refuses the connection is 503 database_unavailable with Retry-After (and CORS), not a 401',
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    // Port 1: nothing listens, the connect is refused.
    const db = createDb(config.dbUrl, { max: 1 });
    try {
      const handler = createHandler('t', { GET: (ctx) => ctx.db.asService((tx) => tx`select 1`).then(() => Response.json({})) }, () => deps(db));
      const res = await get(handler);
      assert.equal(res.status, 503);
      assert.equal((await res.json()).error.code, 'database_unavailable');
      assert.equal(res.headers.get('retry-after'), '2');
      assert.ok(res.headers.get('access-control-allow-origin'));
    } finally {
      await db.end();
    }
  },
});

Deno.test('connection-level failures are told apart from errors our SQL raises', async () => {
  const unavailable = [
    { code: 'ECONNREFUSED' }, { code: 'CONNECT_TIMEOUT' }, { code: 'ENOTFOUND' }, { code: '08006', severity: 'FATAL' },
    { code: '28P01', severity: 'FATAL' }, { code: '28000', severity: 'FATAL' }, { code: '53300', severity: 'FATAL' },
    { code: '57P01', severity: 'FATAL' }, { code: '57P03', severity: 'FATAL' }, { code: '3D000', severity: 'FATAL' },
  ];
  for (const error of unavailable) {
    assert.ok(isConnectionFailure(error), JSON.stringify(error));
    const res = await get(throwing(Object.assign(new Error('x'), error)));
    assert.equal(res.status, 503, JSON.stringify(error));
    assert.equal((await res.json()).error.code, 'database_unavailable');
  }
  // create_document raises 28000 (as ERROR) for a user that no longer exists.
  const deleted = await get(throwing(Object.assign(new Error('user gone'), { code: '28000', severity: 'ERROR' })));
  assert.equal(deleted.status, 401);
  assert.equal((await deleted.json()).error.code, 'auth_invalid');
  assert.equal(isConnectionFailure({ code: '42501', severity: 'ERROR' }), false);
});

Deno.test('Postgres data errors are the client\'s 4xx with a stable code, never a 500', async () => {
  const pg = (code: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(`pg ${code}`), { code, severity: 'ERROR', ...extra });
  type PgError = ReturnType<typeof pg>;
  const expected: [PgError, number, string][] = [
    [pg('22P05'), 422, 'validation_failed'], // untranslatable_character: \u0000 in jsonb
    [pg('22021'), 422, 'validation_failed'], // character_not_in_repertoire: NUL in text
    [pg('22P02'), 422, 'validation_failed'], // invalid_text_representation (also jsonb's \ud800)
    [pg('22001'), 422, 'validation_failed'], // string_data_right_truncation
    [pg('22003'), 422, 'validation_failed'], // numeric_value_out_of_range
    [pg('22007'), 422, 'validation_failed'], // invalid_datetime_format
    [pg('22008'), 422, 'validation_failed'], // datetime_field_overflow
    [pg('22023'), 422, 'validation_failed'], // invalid_parameter_value
    [pg('23502'), 422, 'validation_failed'], // not_null_violation
    [pg('23514', { constraint_name: 'documents_file_size_range' }), 422, 'validation_failed'], // a table CHECK
    [pg('23514'), 409, 'invalid_state'], // the status trigger refusing a transition
    [pg('23505'), 409, 'invalid_state'],
    [pg('42501'), 403, 'forbidden'],
    [pg('28000'), 401, 'auth_invalid'],
    [pg('08006'), 503, 'database_unavailable'],
  ];
  for (const [error, status, code] of expected) {
    const mapped = fromDatabaseError(error);
    assert.equal(mapped?.status, status, error.code);
    assert.equal(mapped?.code, code, error.code);
    const res = await get(throwing(error));
    assert.equal(res.status, status, error.code);
    assert.equal((await res.json()).error.code, code);
  }
  // Not the client's: a bug of ours stays a 500 (logged), e.g. an undefined column.
  assert.equal(fromDatabaseError(pg('42703')), undefined);
  assert.equal((await get(throwing(pg('42703')))).status, 500);
});
