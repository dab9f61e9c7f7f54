import assert from 'node:assert/strict';
import { configFromEnv } from './env.ts';

const env = (extra: Record<string, string> = {}) => {
  const values = new Map(Object.entries({
    SUPABASE_URL: 'https://project.supabase.co/',
    SUPABASE_ANON_KEY: 'anon',
    SUPABASE_DB_URL: 'postgresql://postgres@127.0.0.1:5432/postgres',
    ...extra,
  }));
  return { get: (key: string) => values.get(key) };
};

Deno.test('configFromEnv: required values, trailing slash dropped, no pool size unless DB_POOL_MAX is set', () => {
  const config = configFromEnv(env());
  assert.equal(config.supabaseUrl, 'https://project.supabase.co');
  assert.equal(config.dbPoolMax, undefined);
  assert.throws(() => configFromEnv({ get: () => undefined }), /SUPABASE_URL is not set/);
});

Deno.test('configFromEnv: DB_POOL_MAX is a whole number from 1 to 100', () => {
  assert.equal(configFromEnv(env({ DB_POOL_MAX: '16' })).dbPoolMax, 16);
  assert.equal(configFromEnv(env({ DB_POOL_MAX: '' })).dbPoolMax, undefined);
  for (const bad of ['0', '101', '2.5', 'ten', '-1']) {
    assert.throws(() => configFromEnv(env({ DB_POOL_MAX: bad })), /DB_POOL_MAX must be a whole number from 1 to 100/, bad);
  }
});
