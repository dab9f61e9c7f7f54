// The functions' database access works through a transaction-mode pooler (Supavisor on port 6543
// on hosted Supabase; pgbouncer here, started by scripts/test-functions.mjs): every statement
// runs inside the transaction createDb opens, so the role and claims it sets never leak to
// another client that gets the same server connection next.
import assert from 'node:assert/strict';
import { createDb } from './db.ts';
import type { Caller } from './auth.ts';

const url = Deno.env.get('TEST_DB_URL')!;
const serverPort = Deno.env.get('TEST_DB_SERVER_PORT');
const pooled = Deno.env.get('TEST_DB_POOLED') === '1';

Deno.test({
  name: `the suite reaches Postgres ${pooled ? 'through the transaction-mode pooler' : 'directly (--direct)'}`,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const db = createDb(url, { max: 1 });
    try {
      const [row] = await db.asService((tx) => tx`select inet_server_port() as port`);
      assert.equal(String(row!.port), serverPort, 'Postgres answers on its own port');
      if (pooled) assert.notEqual(new URL(url).port, serverPort, 'while the functions connect to the pooler\'s');
      else assert.equal(new URL(url).port, serverPort);
    } finally {
      await db.end();
    }
  },
});

Deno.test({
  name: 'role and claims are transaction-local: with one pooled server connection, the next transaction is the caller\'s again',
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const db = createDb(url, { max: 1 });
    try {
      const caller = { role: 'authenticated', claims: { role: 'authenticated', sub: crypto.randomUUID() } } as unknown as Caller;
      const [inside] = await db.asUser(caller, (tx) => tx`select current_user as role, auth.uid()::text as uid`);
      assert.equal(inside!.role, 'authenticated');
      assert.equal(inside!.uid, (caller.claims as { sub: string }).sub);
      const [service] = await db.asService((tx) => tx`select current_user as role, auth.uid() as uid`);
      assert.equal(service!.role, 'service_role');
      assert.equal(service!.uid, null, 'no claims of the previous transaction');
    } finally {
      await db.end();
    }
  },
});
