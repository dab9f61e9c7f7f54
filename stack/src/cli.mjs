#!/usr/bin/env node
// @ts-check
// `pnpm stack`: the local Supabase-compatible stack in the foreground. Data is kept in
// .local/stack across runs (`--reset` starts over); connection details are written to
// .local/stack.json and printed. Ctrl-C or SIGTERM stops everything (Deno, Postgres).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { root } from '../../scripts/lib/migrate.mjs';
import { startStack } from './stack.mjs';

const { values } = parseArgs({
  options: {
    reset: { type: 'boolean', default: false },
    port: { type: 'string', default: process.env.STACK_PORT ?? '54321' },
    'jwt-expiry': { type: 'string', default: process.env.STACK_JWT_EXPIRY ?? '3600' },
    'no-processor': { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
    // A project from before JWT signing keys: HS256 access tokens, empty JWKS.
    legacy: { type: 'boolean', default: process.env.STACK_LEGACY === '1' },
  },
});

const localDir = path.join(root, '.local');
mkdirSync(localDir, { recursive: true });
const stack = await startStack({
  port: Number(values.port),
  dataDir: path.join(localDir, 'stack'),
  reset: values.reset,
  legacy: values.legacy,
  jwtExpiry: Number(values['jwt-expiry']),
  processor: values['no-processor'] ? false : {},
  log: values.quiet ? () => {} : (line) => console.log(line),
});

const info = {
  url: stack.url,
  publishableKey: stack.publishableKey,
  secretKey: stack.secretKey,
  anonKey: stack.anonKey,
  serviceRoleKey: stack.serviceRoleKey,
  jwksUrl: `${stack.url}/auth/v1/.well-known/jwks.json`,
  dbUrl: stack.dbUrl,
  jwtSecret: stack.jwtSecret,
  webhookSecret: stack.webhookSecret,
};
writeFileSync(path.join(localDir, 'stack.json'), JSON.stringify(info, null, 2) + '\n');

console.log(`
v2-uploader local stack is running (.local/stack.json has these values)
         API URL: ${info.url}
      Auth, Storage, Realtime, Functions: ${info.url}/{auth,storage,realtime,functions}/v1
          DB URL: ${info.dbUrl}
 publishable key: ${info.publishableKey}
      secret key: ${info.secretKey}
        anon key: ${info.anonKey} (legacy)
service_role key: ${info.serviceRoleKey} (legacy)
      JWT secret: ${info.jwtSecret} (legacy HS256)
     JWT signing: ${stack.legacy ? 'HS256 with the JWT secret (--legacy)' : `ES256, public keys at ${info.jwksUrl}`}
  webhook secret: ${info.webhookSecret}
      demo users: alice@example.com / bob@example.com, password "password123" (alice has LlamaParse on)
  demo processor: ${values['no-processor'] ? 'off' : `${info.url}/stack/v1/processor (GET/PUT {stepMs, failAt, stallAt})`}

Ctrl-C stops it.`);
