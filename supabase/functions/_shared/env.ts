// Configuration from the environment a deployed function gets. The platform sets SUPABASE_URL,
// SUPABASE_DB_URL, SUPABASE_JWKS, SUPABASE_PUBLISHABLE_KEYS and SUPABASE_SECRET_KEYS (JSON
// objects of name → key, e.g. {"default":"sb_publishable_…"}), and the legacy SUPABASE_ANON_KEY
// and SUPABASE_SERVICE_ROLE_KEY; everything else is set with `supabase secrets set` (or
// supabase/functions/.env locally), and the CLI refuses names starting with SUPABASE_. Read
// once per instance; a missing or malformed value fails loudly.
import type { JSONWebKeySet } from 'jose';
import type { AuthConfig } from './auth.ts';
import { type CorsOptions, corsOptionsFromEnv } from './cors.ts';
import type { DbSsl } from './db.ts';

export interface EnvSource {
  get(key: string): string | undefined;
}

export interface Config {
  supabaseUrl: string;
  /** The key Storage is called with beside the user's JWT: the default publishable key, else the legacy anon key. */
  publishableKey: string;
  /** DB_URL (e.g. the transaction-mode pooler on port 6543), else SUPABASE_DB_URL. */
  dbUrl: string;
  /** DB_SSL: TLS to the database beyond what the URL's sslmode says. */
  dbSsl?: DbSsl;
  auth: AuthConfig;
  cors: CorsOptions;
  bucket: string;
  /** Standard Webhooks secrets (`whsec_…`), several during a rotation. */
  webhookSecrets: string[];
  /** Shared-secret header accepted from LlamaParse (and Storage database webhooks). */
  sharedSecretHeader: string;
  sharedSecret?: string;
  /** Most database connections one function instance opens (DB_POOL_MAX; default in db.ts). */
  dbPoolMax?: number;
}

/** The keys of a JSON object of name → key (SUPABASE_PUBLISHABLE_KEYS, SUPABASE_SECRET_KEYS). */
export function parseKeySet(name: string, raw: string | undefined): Record<string, string> {
  if (raw === undefined || raw === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error(`${name} is not JSON (expected an object of name → key)`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${name} must be a JSON object of name → key`);
  }
  return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
}

/** The publishable key to use: "default", else the first; the legacy anon key when there is none. */
function publishableKeyFrom(env: EnvSource): string {
  const keys = parseKeySet('SUPABASE_PUBLISHABLE_KEYS', env.get('SUPABASE_PUBLISHABLE_KEYS'));
  const key = keys['default'] ?? Object.values(keys)[0] ?? env.get('SUPABASE_ANON_KEY');
  if (!key) throw new Error('Neither SUPABASE_PUBLISHABLE_KEYS nor SUPABASE_ANON_KEY is set: the function cannot call Storage');
  return key;
}

function jwksFrom(env: EnvSource): JSONWebKeySet | undefined {
  const raw = env.get('SUPABASE_JWKS');
  if (!raw) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error('SUPABASE_JWKS is not JSON (expected a JWK Set)');
  }
  // The set itself ({"keys":[…]}); an array of keys is taken too.
  return (Array.isArray(parsed) ? { keys: parsed } : parsed) as JSONWebKeySet;
}

const SSL_MODES: readonly DbSsl[] = ['disable', 'allow', 'prefer', 'require', 'verify-full'];

function authFrom(env: EnvSource, supabaseUrl: string): AuthConfig {
  const auth: AuthConfig = { jwksUrl: `${supabaseUrl}/auth/v1/.well-known/jwks.json` };
  const jwks = jwksFrom(env);
  if (jwks) auth.jwks = jwks;
  // Legacy HS256 sessions, only if the project still has them: hosted gives functions no JWT
  // secret, so it is a user secret under a name the CLI accepts.
  const jwtSecret = env.get('JWT_SECRET');
  if (jwtSecret) auth.jwtSecret = jwtSecret;
  const secretKeys = Object.values(parseKeySet('SUPABASE_SECRET_KEYS', env.get('SUPABASE_SECRET_KEYS')));
  if (secretKeys.length > 0) auth.secretKeys = secretKeys;
  const serviceRoleKey = env.get('SUPABASE_SERVICE_ROLE_KEY');
  if (serviceRoleKey) auth.serviceRoleKey = serviceRoleKey;
  return auth;
}

export function configFromEnv(env: EnvSource = Deno.env): Config {
  const required = (key: string) => {
    const value = env.get(key);
    if (!value) throw new Error(`${key} is not set`);
    return value;
  };
  const supabaseUrl = required('SUPABASE_URL').replace(/\/+$/, '');
  const webhookSecrets = (env.get('WEBHOOK_SECRETS') ?? env.get('WEBHOOK_SECRET') ?? '')
    .split(/[\s,]+/)
    .filter(Boolean);
  const dbUrl = env.get('DB_URL') || env.get('SUPABASE_DB_URL');
  if (!dbUrl) throw new Error('SUPABASE_DB_URL is not set (nor DB_URL)');
  const config: Config = {
    supabaseUrl,
    publishableKey: publishableKeyFrom(env),
    dbUrl,
    auth: authFrom(env, supabaseUrl),
    cors: corsOptionsFromEnv(env),
    bucket: env.get('UPLOAD_BUCKET') ?? 'documents',
    webhookSecrets,
    sharedSecretHeader: (env.get('WEBHOOK_SHARED_SECRET_HEADER') ?? 'x-webhook-secret').toLowerCase(),
  };
  const ssl = env.get('DB_SSL');
  if (ssl !== undefined && ssl !== '') {
    if (!SSL_MODES.includes(ssl as DbSsl)) throw new Error(`DB_SSL must be one of ${SSL_MODES.join(', ')}, not "${ssl}"`);
    config.dbSsl = ssl as DbSsl;
  }
  const poolMax = env.get('DB_POOL_MAX');
  if (poolMax !== undefined && poolMax !== '') {
    const n = Number(poolMax);
    if (!Number.isInteger(n) || n < 1 || n > 100) throw new Error(`DB_POOL_MAX must be a whole number from 1 to 100, not "${poolMax}"`);
    config.dbPoolMax = n;
  }
  const shared = env.get('WEBHOOK_SHARED_SECRET') ?? env.get('LLAMAPARSE_WEBHOOK_SECRET');
  if (shared) config.sharedSecret = shared;
  return config;
}
