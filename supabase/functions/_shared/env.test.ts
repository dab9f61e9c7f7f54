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

Deno.test('configFromEnv: the publishable key is SUPABASE_PUBLISHABLE_KEYS\' "default", else the legacy anon key; neither is an error', () => {
  const keys = JSON.stringify({ default: 'sb_publishable_default_aaaaaaaa', other: 'sb_publishable_other_bbbbbbbb' });
  assert.equal(configFromEnv(env({ SUPABASE_PUBLISHABLE_KEYS: keys })).publishableKey, 'sb_publishable_default_aaaaaaaa');
  assert.equal(configFromEnv(env({ SUPABASE_PUBLISHABLE_KEYS: JSON.stringify({ web: 'sb_publishable_web' }) })).publishableKey, 'sb_publishable_web');
  assert.equal(configFromEnv(env()).publishableKey, 'anon');
  const bare = new Map([['SUPABASE_URL', 'https://p.supabase.co'], ['SUPABASE_DB_URL', 'postgresql://x']]);
  assert.throws(() => configFromEnv({ get: (k) => bare.get(k) }), /Neither SUPABASE_PUBLISHABLE_KEYS nor SUPABASE_ANON_KEY is set/);
  assert.throws(() => configFromEnv(env({ SUPABASE_PUBLISHABLE_KEYS: '["sb_publishable_x"]' })), /SUPABASE_PUBLISHABLE_KEYS must be a JSON object/);
});

Deno.test('configFromEnv: auth from the hosted defaults — every secret key, the JWKS and its URL, the legacy keys', () => {
  const jwks = { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k', alg: 'ES256' }] };
  const config = configFromEnv(env({
    SUPABASE_SECRET_KEYS: JSON.stringify({ default: 'sb_secret_a', ci: 'sb_secret_b' }),
    SUPABASE_JWKS: JSON.stringify(jwks),
    SUPABASE_SERVICE_ROLE_KEY: 'eyJ.service.role',
    JWT_SECRET: 'legacy-secret',
  }));
  assert.deepEqual(config.auth.secretKeys, ['sb_secret_a', 'sb_secret_b']);
  assert.deepEqual(config.auth.jwks, jwks);
  assert.equal(config.auth.jwksUrl, 'https://project.supabase.co/auth/v1/.well-known/jwks.json');
  assert.equal(config.auth.serviceRoleKey, 'eyJ.service.role');
  assert.equal(config.auth.jwtSecret, 'legacy-secret');
  // Not a name anyone can set (the CLI refuses SUPABASE_ secrets), so not read.
  assert.equal(configFromEnv(env({ SUPABASE_JWT_SECRET: 'x' })).auth.jwtSecret, undefined);
});

Deno.test('configFromEnv: DB_URL overrides SUPABASE_DB_URL; DB_SSL is a known mode', () => {
  const pooler = 'postgresql://postgres.ref:pw@aws-0-eu-west-1.pooler.supabase.com:6543/postgres?sslmode=require';
  assert.equal(configFromEnv(env({ DB_URL: pooler })).dbUrl, pooler);
  assert.equal(configFromEnv(env()).dbUrl, 'postgresql://postgres@127.0.0.1:5432/postgres');
  assert.equal(configFromEnv(env({ DB_SSL: 'require' })).dbSsl, 'require');
  assert.equal(configFromEnv(env()).dbSsl, undefined);
  assert.throws(() => configFromEnv(env({ DB_SSL: 'yes' })), /DB_SSL must be one of/);
});
