#!/usr/bin/env node
// @ts-check
// The README's main job: the local Supabase-compatible stack (stack/) plus the playground page
// served by Vite, both on 127.0.0.1. `startPlayground()` is also what the playground test uses.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createServer } from 'vite';
import { startStack } from '../stack/src/stack.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');

/**
 * @param {{ port?: number, stackPort?: number, dataDir?: string, reset?: boolean, log?: (line: string) => void, storybookUrl?: string }} [options]
 */
export async function startPlayground(options = {}) {
  const stack = await startStack({
    port: options.stackPort ?? 54321,
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    reset: options.reset ?? false,
    processor: { stepMs: 1500 },
    log: options.log ?? (() => {}),
  });
  const info = { url: stack.url, publishableKey: stack.publishableKey, storybookUrl: options.storybookUrl ?? 'http://127.0.0.1:6006' };
  const vite = await createServer({
    root: here,
    configFile: false,
    logLevel: 'warn',
    server: { host: '127.0.0.1', port: options.port ?? 5173, strictPort: options.port !== 0 && options.port !== undefined },
    plugins: [{
      name: 'v2-playground-stack',
      configureServer(server) {
        // The page asks for the stack's URL and anon key (never the service key).
        server.middlewares.use('/stack.json', (_req, res) => {
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify(info));
        });
      },
    }],
  });
  await vite.listen();
  const address = vite.httpServer?.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : options.port}`;
  return {
    url,
    stack,
    async stop() {
      await vite.close();
      await stack.stop();
    },
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { reset: { type: 'boolean', default: false }, port: { type: 'string', default: '5173' } } });
  const localDir = path.join(root, '.local');
  mkdirSync(localDir, { recursive: true });
  const playground = await startPlayground({ port: Number(values.port), dataDir: path.join(localDir, 'stack'), reset: values.reset, log: (l) => console.log(l) });
  const { stack } = playground;
  writeFileSync(path.join(localDir, 'stack.json'), JSON.stringify({
    url: stack.url, publishableKey: stack.publishableKey, secretKey: stack.secretKey, anonKey: stack.anonKey, serviceRoleKey: stack.serviceRoleKey, dbUrl: stack.dbUrl, jwtSecret: stack.jwtSecret, webhookSecret: stack.webhookSecret,
  }, null, 2) + '\n');
  console.log(`
v2-uploader playground
  page         ${playground.url}   ← open this
  API          ${stack.url}  (Auth, Storage, Realtime, Functions; keys in .local/stack.json)
  database     ${stack.dbUrl}
  demo users   alice@example.com (LlamaParse on: parsing → embedding) and bob@example.com, password "password123"; or sign in anonymously
  processor    ${stack.url}/stack/v1/processor  (speed, fail, stall — also on the page)
  storybook    npx -y pnpm@12.4.2 --filter @v2-uploader/stories storybook  → http://127.0.0.1:6006

Try: sign in, drop a PDF on the uploader, watch it go through upload, parsing and embedding in the list.
Ctrl-C stops everything (data stays in .local/stack; --reset starts over).`);
  // Ctrl-C / SIGTERM: the stack's cleanup (scripts/lib/pg.mjs) stops Deno and Postgres, then exits.
}
