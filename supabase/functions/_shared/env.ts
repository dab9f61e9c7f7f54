// Configuration from the environment a deployed function gets (SUPABASE_URL, SUPABASE_ANON_KEY,
// SUPABASE_SERVICE_ROLE_KEY, SUPABASE_DB_URL are set by the platform; the rest with
// `supabase secrets set`). Read once per instance; a missing required value fails loudly.
import type { JSONWebKeySet } from 'jose';
import type { AuthConfig } from './auth.ts';
import { type CorsOptions, corsOptionsFromEnv } from './cors.ts';

export interface EnvSource {
  get(key: string): string | undefined;
}

export interface Config {
  supabaseUrl: string;
  anonKey: string;
  dbUrl: string;
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

export function configFromEnv(env: EnvSource = Deno.env): Config {
  const required = (key: string) => {
    const value = env.get(key);
    if (!value) throw new Error(`${key} is not set`);
    return value;
  };
  const jwksRaw = env.get('SUPABASE_JWKS');
  let jwks: JSONWebKeySet | undefined;
  if (jwksRaw) {
    const parsed = JSON.parse(jwksRaw);
    // The platform may give the set itself or an array of keys.
    jwks = Array.isArray(parsed) ? { keys: parsed } : parsed;
  }
  const jwtSecret = env.get('SUPABASE_JWT_SECRET') ?? env.get('JWT_SECRET');
  const auth: AuthConfig = {};
  if (jwtSecret) auth.jwtSecret = jwtSecret;
  if (jwks) auth.jwks = jwks;
  const webhookSecrets = (env.get('WEBHOOK_SECRETS') ?? env.get('WEBHOOK_SECRET') ?? '')
    .split(/[\s,]+/)
    .filter(Boolean);
  const config: Config = {
    supabaseUrl: required('SUPABASE_URL').replace(/\/+$/, ''),
    anonKey: required('SUPABASE_ANON_KEY'),
    dbUrl: required('SUPABASE_DB_URL'),
    auth,
    cors: corsOptionsFromEnv(env),
    bucket: env.get('UPLOAD_BUCKET') ?? 'documents',
    webhookSecrets,
    sharedSecretHeader: (env.get('WEBHOOK_SHARED_SECRET_HEADER') ?? 'x-webhook-secret').toLowerCase(),
  };
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
