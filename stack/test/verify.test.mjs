// @ts-check
// `npm run verify` (scripts/verify.mjs) against the local stack: every check passes on a stack
// set up as the deploy guide says, in both profiles (V2_STACK_PROFILE=legacy: HS256 sessions
// and the legacy anon/service_role keys); and each deliberately broken set-up — a grant revoked,
// a grant added, the storage trigger dropped, a wrong webhook secret in Vault, the table out of
// the Realtime publication, a function not deployed, verify_jwt left on — fails the check it
// should, with the fix that names the broken link. Each break is undone after its test.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LEGACY, startTestStack } from './helpers.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Run the command as a person would (a child process), with --json; resolves with the exit code
 * and the parsed report.
 * @param {string[]} args
 * @returns {Promise<{ code: number, report: { ok: boolean, passed: number, failed: number, skipped: number, checks: { id: string, status: string, detail?: string, fix?: string }[] } }>}
 */
function verify(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'scripts/verify.mjs'), ...args, '--json'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        resolve({ code: code ?? 1, report: JSON.parse(out) });
      } catch {
        reject(new Error(`verify printed no JSON (exit ${code}):\n${out}\n${err}`));
      }
    });
  });
}

/** The check `id` of a report. @param {Awaited<ReturnType<typeof verify>>['report']} report @param {string} id */
function checkOf(report, id) {
  const found = report.checks.find((c) => c.id === id);
  assert.ok(found, `no check ${id} in ${report.checks.map((c) => c.id).join(', ')}`);
  return found;
}

/** Every check but `failing` passed (or was skipped because `failing` failed); `failing` failed. */
function assertOnlyFailed(/** @type {Awaited<ReturnType<typeof verify>>} */ run, /** @type {string[]} */ failing) {
  assert.equal(run.code, 1);
  assert.equal(run.report.ok, false);
  const failed = run.report.checks.filter((c) => c.status === 'fail').map((c) => c.id);
  assert.deepEqual(failed.sort(), [...failing].sort(), JSON.stringify(run.report.checks.filter((c) => c.status === 'fail'), null, 1));
}

describe(`verify against the local stack (${LEGACY ? 'legacy' : 'new'} project)`, () => {
  /** @type {Awaited<ReturnType<typeof startTestStack>>} */
  let stack;
  /** The command line a project owner would run, with every credential (so every check can run). */
  let full = /** @type {string[]} */ ([]);
  /** A short bound for the breaks whose symptom is a wait (a storage event or a row that never comes). */
  const short = ['--wait', '5'];

  before(async () => {
    // No demo processor: a hosted project has none; the storage event alone completes a document.
    stack = await startTestStack({ processor: false });
    // An older project's app holds the legacy anon and service_role keys; a new one sb_ keys.
    full = [
      '--url', stack.url,
      '--key', LEGACY ? stack.anonKey : stack.publishableKey,
      '--secret-key', LEGACY ? stack.serviceRoleKey : stack.secretKey,
      '--db-url', stack.dbUrl,
    ];
  });
  after(async () => {
    await stack?.stop();
  });

  test('a project set up as the guide says: every check passes, and what it made is gone', async () => {
    const [{ users: usersBefore }] = await stack.sql`select count(*)::int as users from auth.users`;
    const run = await verify(full);
    assert.equal(run.code, 0, JSON.stringify(run.report.checks.filter((c) => c.status !== 'pass'), null, 1));
    assert.equal(run.report.failed, 0);
    assert.equal(run.report.skipped, 0);
    assert.ok(run.report.passed >= 17);
    assert.match(checkOf(run.report, 'token').detail ?? '', LEGACY ? /HS256/ : /ES256/);
    const [left] = await stack.sql`select
        (select count(*) from auth.users)::int as users,
        (select count(*) from public.documents where filename like 'v2-verify-%')::int as documents,
        (select count(*) from storage.objects where name like '%v2-verify-%')::int as objects`;
    assert.deepEqual(left, { users: usersBefore, documents: 0, objects: 0 });
  });

  test('with the publishable key alone: what it cannot ask is said, not passed; --strict fails on it', async () => {
    const run = await verify(['--url', stack.url, '--key', LEGACY ? stack.anonKey : stack.publishableKey, '--strict']);
    assert.equal(run.code, 1);
    assert.equal(run.report.failed, 0);
    assert.equal(checkOf(run.report, 'cron').status, 'skip');
    assert.match(checkOf(run.report, 'cron').detail ?? '', /--db-url/);
    assert.equal(checkOf(run.report, 'cleanup').status, 'skip');
    assert.match(checkOf(run.report, 'cleanup').detail ?? '', /--secret-key/);
  });

  test('a wrong key fails the first check with the key hint', async () => {
    const run = await verify(['--url', stack.url, '--key', 'sb_publishable_not-this-projects-key']);
    assertOnlyFailed(run, ['auth']);
    assert.match(checkOf(run.report, 'auth').fix ?? '', /publishable or anon key/);
  });

  test('grant revoked: authenticated without SELECT on realtime_progress_updates → Realtime fails, names the grant', async () => {
    await stack.sql`revoke select on public.realtime_progress_updates from authenticated`;
    try {
      const run = await verify([...full, ...short]);
      assert.equal(run.code, 1);
      // Realtime goes silent. The uploads' last progress report reads the feed as the user too:
      // it is refused unless the storage event came first (a race), and then names the same grant.
      const failed = run.report.checks.filter((c) => c.status === 'fail');
      assert.ok(failed.some((c) => c.id === 'realtime'));
      for (const c of failed) {
        assert.ok(['realtime', 'put', 'tus'].includes(c.id), JSON.stringify(c));
        assert.match(c.fix ?? '', /grant select on public\.realtime_progress_updates to authenticated/);
      }
      assert.equal(checkOf(run.report, 'realtime-isolation').status, 'skip');
    } finally {
      await stack.sql`grant select on public.realtime_progress_updates to authenticated`;
    }
  });

  test('grant added: anon with SELECT on documents → the anon check fails even though RLS hides the rows', async () => {
    await stack.sql`grant select on public.documents to anon`;
    try {
      const run = await verify(full);
      assertOnlyFailed(run, ['anon-documents']);
      assert.match(checkOf(run.report, 'anon-documents').detail ?? '', /anon has SELECT/);
      assert.match(checkOf(run.report, 'anon-documents').fix ?? '', /revoke all on public\.documents/);
    } finally {
      await stack.sql`revoke select on public.documents from anon`;
    }
  });

  test('storage trigger dropped → the storage event check fails and names the trigger and its migration', async () => {
    const [{ def }] = await stack.sql`select pg_get_triggerdef(oid) as def from pg_trigger
                                        where tgrelid = 'storage.objects'::regclass and tgname = 'documents_object_inserted'`;
    await stack.sql`drop trigger documents_object_inserted on storage.objects`;
    try {
      const run = await verify([...full, ...short]);
      // Nothing reached the pipeline, so what depends on it was not run (skipped), not passed.
      assertOnlyFailed(run, ['storage-event']);
      assert.match(checkOf(run.report, 'storage-event').fix ?? '', /documents_object_inserted.*20261207000003_storage_object_events\.sql/);
      assert.equal(checkOf(run.report, 'duplicate').status, 'skip');
      assert.equal(checkOf(run.report, 'cleanup').status, 'pass');
    } finally {
      await stack.sql.unsafe(def);
    }
  });

  test('wrong webhook secret in Vault → the storage event check fails: the secrets differ', async () => {
    const [{ id }] = await stack.sql`select id from vault.secrets where name = 'processing_webhook_secret'`;
    await stack.sql`select vault.update_secret(${id}, 'not-the-functions-secret')`;
    try {
      const run = await verify([...full, ...short]);
      assertOnlyFailed(run, ['storage-event']);
      assert.match(checkOf(run.report, 'storage-event').fix ?? '', /processing_webhook_secret in Vault differs from the function secret WEBHOOK_SHARED_SECRET/);
    } finally {
      await stack.sql`select vault.update_secret(${id}, ${stack.webhookSharedSecret})`;
    }
  });

  test('the table out of the Realtime publication → Realtime fails, names the publication', async () => {
    await stack.sql`alter publication supabase_realtime drop table public.realtime_progress_updates`;
    try {
      const run = await verify([...full, ...short]);
      assertOnlyFailed(run, ['realtime']);
      assert.match(checkOf(run.report, 'realtime').fix ?? '', /alter publication supabase_realtime add table public\.realtime_progress_updates/);
    } finally {
      await stack.sql`alter publication supabase_realtime add table public.realtime_progress_updates`;
    }
  });

  test('after every break was undone, every check passes again', async () => {
    const run = await verify(full);
    assert.equal(run.code, 0, JSON.stringify(run.report.checks.filter((c) => c.status !== 'pass'), null, 1));
  });
});

describe(`verify against a project with functions deployed wrong (${LEGACY ? 'legacy' : 'new'} project)`, () => {
  /** @type {Awaited<ReturnType<typeof startTestStack>>} */
  let stack;
  before(async () => {
    // progress-tracker never deployed; upload-handler deployed with verify_jwt on (the CLI's default
    // when config.toml is not used).
    stack = await startTestStack({ processor: false, functionsOmit: ['progress-tracker'], functionsVerifyJwt: { 'upload-handler': true } });
  });
  after(async () => {
    await stack?.stop();
  });

  test('a missing function and verify_jwt left on each fail their own line with their own fix', async () => {
    const run = await verify(['--url', stack.url, '--key', LEGACY ? stack.anonKey : stack.publishableKey, '--db-url', stack.dbUrl]);
    assert.match(checkOf(run.report, 'function:progress-tracker').fix ?? '', /supabase functions deploy progress-tracker/);
    assert.equal(checkOf(run.report, 'function:processing-webhook').status, 'pass');
    if (LEGACY) {
      // The legacy anon key is a JWT, so verify_jwt lets the app's calls through: nothing the
      // app does is broken by it, and verify says nothing about it.
      assertOnlyFailed(run, ['function:progress-tracker']);
    } else {
      // A publishable key is not a JWT: the gateway refuses the call before the function runs.
      assertOnlyFailed(run, ['function:progress-tracker', 'function:upload-handler']);
      assert.match(checkOf(run.report, 'function:upload-handler').fix ?? '', /verify_jwt is on for upload-handler/);
      // Everything that needs upload-handler was not run, and says why.
      assert.match(checkOf(run.report, 'token').detail ?? '', /not run/);
    }
  });
});
