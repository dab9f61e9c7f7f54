// @ts-check
// The verify command's checks, run in order against one Supabase project with the clients an
// app uses (@supabase/supabase-js, tus-js-client; upload-handler's plan as @v2-uploader/core
// follows it). Each check records one result; a check whose prerequisite failed is skipped
// with that reason, and one the credentials cannot run says so. Everything it creates is
// named `v2-verify-…` and removed at the end as far as the credentials allow.
import { createHash, randomBytes } from 'node:crypto';
import { createClient } from '@supabase/supabase-js';
import * as tus from 'tus-js-client';
import { planTusOptions } from '../tus-plan.mjs';
import WebSocket from 'ws';
import { connect, CRON_JOBS, cronJobs, deleteCreated, diagnoseGrants, diagnoseRealtime, diagnoseStorageEvent } from './database.mjs';

/**
 * @typedef {object} VerifyOptions
 * @property {string} url            the project URL, https://<ref>.supabase.co
 * @property {string} key            publishable (sb_publishable_…) or legacy anon key
 * @property {string} [email]        user A signs in with these instead of anonymously
 * @property {string} [password]
 * @property {string} [emailB]       user B (the one who must see nothing of A's)
 * @property {string} [passwordB]
 * @property {string} [secretKey]    sb_secret_… or service_role key: removes the test objects and users
 * @property {string} [dbUrl]        a postgres connection: pg_cron jobs, diagnoses, clean-up of rows
 * @property {number} [waitSeconds]  bound for the storage event and Realtime (default 20)
 * @property {string} [origin]       the browser origin the CORS checks use
 */

export const FUNCTIONS = ['upload-handler', 'progress-tracker', 'processing-webhook'];
const SMALL_SIZE = 64 * 1024;
// Above upload-handler's single-PUT limit (5 MiB), so the plan says TUS: two chunks of 6 MiB.
const LARGE_SIZE = 7 * 1024 * 1024;
const TIMEOUT_MS = 30_000;

/** Random bytes that sniff as a PDF: a fresh MD5 each run, so nothing is a leftover duplicate. @param {number} size */
function pdf(size) {
  const bytes = randomBytes(size);
  bytes.write('%PDF-1.7\n', 0, 'latin1');
  return bytes;
}

/** @param {Buffer} bytes */
const md5 = (bytes) => createHash('md5').update(bytes).digest('hex');
const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

/** A supabase-js client as an app makes it (Node 20 has no global WebSocket: ws). @param {string} url @param {string} key */
function supabaseClient(url, key) {
  return createClient(url, key, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: /** @type {any} */ (WebSocket) },
  });
}

/** fetch that never hangs and never throws: a network failure is `{ status: 0, error }`. */
async function request(/** @type {string} */ url, /** @type {RequestInit} */ init = {}) {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
    const text = await res.text();
    /** @type {any} */
    let body = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = text;
    }
    return { status: res.status, headers: res.headers, body, error: undefined };
  } catch (error) {
    return { status: 0, headers: new Headers(), body: null, error: /** @type {Error} */ (error) };
  }
}

/** The first words of a response for a detail line. @param {{ status: number, body: any, error?: Error }} r */
function describe(r) {
  if (r.status === 0) return `no answer (${r.error?.message ?? 'network error'})`;
  const code = r.body?.error?.code ?? r.body?.code ?? r.body?.error_code ?? r.body?.error;
  const message = r.body?.error?.message ?? r.body?.message ?? r.body?.msg ?? (typeof r.body === 'string' ? r.body.slice(0, 120) : '');
  return `HTTP ${r.status}${code ? ` ${typeof code === 'string' ? code : JSON.stringify(code)}` : ''}${message ? `: ${message}` : ''}`;
}

/** The algorithm in a JWT's header, for hints about legacy HS256 sessions. @param {string} token */
function jwtAlg(token) {
  try {
    return JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()).alg;
  } catch {
    return undefined;
  }
}

/**
 * Run every check against the project and record the results in `report`.
 * @param {VerifyOptions} options @param {import('./report.mjs').Report} report
 */
export async function runChecks(options, report) {
  const url = options.url.replace(/\/+$/, '');
  const wait = (options.waitSeconds ?? 20) * 1000;
  const origin = options.origin ?? 'https://app.example.com';
  const started = new Date(Date.now() - 5000);
  const db = options.dbUrl ? connect(options.dbUrl) : undefined;
  /** What the run made, for the clean-up. */
  const created = {
    /** @type {string[]} */ documentIds: [],
    /** @type {string[]} */ paths: [],
    /** @type {string[]} */ anonymousUserIds: [],
  };
  /** @type {import('@supabase/supabase-js').SupabaseClient[]} */
  const clients = [];

  /**
   * Time one check; a thrown error is a failure with its message.
   * @param {string} id @param {string} name @param {string} fix
   * @param {() => Promise<{ status?: 'pass' | 'fail' | 'skip', detail?: string, fix?: string } | void>} fn
   */
  async function check(id, name, fix, fn) {
    const t0 = Date.now();
    try {
      const r = (await fn()) ?? {};
      const status = r.status ?? 'pass';
      return report.add({ id, name, status, ...(r.detail ? { detail: r.detail } : {}), ...(status === 'fail' ? { fix: r.fix ?? fix } : {}), ms: Date.now() - t0 });
    } catch (error) {
      return report.add({ id, name, status: 'fail', detail: String(/** @type {any} */ (error)?.message ?? error), fix, ms: Date.now() - t0 });
    }
  }
  /** @param {string} id @param {string} name @param {string} reason */
  const skip = (id, name, reason) => report.add({ id, name, status: 'skip', detail: reason });

  try {
    // ---- Auth ------------------------------------------------------------------------------
    await check('auth', 'Auth answers with this key',
      'Use the project URL (https://<ref>.supabase.co) and its publishable or anon key (Project Settings → API Keys).',
      async () => {
        const r = await request(`${url}/auth/v1/health`, { headers: { apikey: options.key } });
        if (r.status === 200) return { detail: `${r.body?.name ?? 'GoTrue'} ${r.body?.version ?? ''}`.trim() };
        return { status: 'fail', detail: describe(r) };
      });

    /**
     * Sign a user in: with the given e-mail and password, else anonymously (recorded for the clean-up).
     * @param {string | undefined} email @param {string | undefined} password
     */
    const signIn = async (email, password) => {
      const client = supabaseClient(url, options.key);
      clients.push(client);
      const { data, error } = email
        ? await client.auth.signInWithPassword({ email, password: password ?? '' })
        : await client.auth.signInAnonymously();
      if (error || !data.session || !data.user) throw new Error(error?.message ?? 'no session');
      if (!email) created.anonymousUserIds.push(data.user.id);
      return { client, user: data.user, token: data.session.access_token };
    };

    /** @type {Awaited<ReturnType<typeof signIn>> | undefined} */
    let a;
    if (report.passed('auth')) {
      await check('sign-in', options.email ? `Sign-in as ${options.email}` : 'Anonymous sign-in',
        options.email
          ? 'Check the e-mail and password (the user must exist and be confirmed), or leave them out to sign in anonymously.'
          : 'Enable anonymous sign-ins (Authentication → Sign In / Providers), or pass --email and --password of a test user.',
        async () => {
          a = await signIn(options.email, options.password);
          return { detail: `user ${a.user.id}, ${jwtAlg(a.token)} session token` };
        });
    } else {
      skip('sign-in', 'Sign-in', 'not run: Auth did not answer');
    }

    // A second user for the isolation checks (Realtime, RLS); not having one is "not possible".
    /** @type {Awaited<ReturnType<typeof signIn>> | undefined} */
    let b;
    /** @type {string | undefined} */
    let noB;
    if (a) {
      try {
        b = await signIn(options.emailB, options.passwordB);
      } catch (error) {
        noB = `not possible: no second user (${/** @type {Error} */ (error).message}); enable anonymous sign-ins or pass --email-b/--password-b`;
      }
    } else {
      noB = 'not run: no signed-in user';
    }

    // ---- The three functions, as a browser reaches them --------------------------------------
    for (const name of FUNCTIONS) {
      await check(`function:${name}`, `${name} is deployed and answers a browser (CORS)`,
        `Deploy it: supabase functions deploy ${name}.`,
        () => functionAnswers(url, options.key, name, origin));
    }

    const fnUrl = (/** @type {string} */ name, query = '') => `${url}/functions/v1/${name}${query}`;
    /** Call a function as user A, as supabase-js's functions.invoke sends it. */
    const asUser = (/** @type {{ token: string }} */ u, /** @type {string} */ name, /** @type {RequestInit & { query?: string }} */ init = {}) =>
      request(fnUrl(name, init.query), {
        ...init,
        headers: { apikey: options.key, authorization: `Bearer ${u.token}`, 'content-type': 'application/json', origin, ...init.headers },
      });

    if (a && report.passed('function:upload-handler')) {
      const user = a;
      await check('token', 'Session tokens verify in the functions',
        jwtAlg(a.token) === 'HS256'
          ? 'This project signs sessions with the legacy HS256 secret: supabase secrets set JWT_SECRET=<the legacy JWT secret> (Project Settings → JWT Keys), then redeploy.'
          : 'The functions did not accept a session token: redeploy them (they read SUPABASE_JWKS, else <url>/auth/v1/.well-known/jwks.json) and check their logs.',
        async () => {
          const r = await asUser(user, 'upload-handler', { query: '?limit=1' });
          if (r.status === 200) return { detail: `${jwtAlg(user.token)} token accepted` };
          if (r.status === 503) return { status: 'fail', detail: describe(r), fix: 'The functions cannot reach the database: check the DB_URL secret (the transaction pooler URL, port 6543, with the database password) and DB_SSL.' };
          if (r.status >= 500) return { status: 'fail', detail: describe(r), fix: 'upload-handler failed: read its logs (Edge Functions → upload-handler → Logs); a missing secret or grant is the usual cause.' };
          return { status: 'fail', detail: describe(r) };
        });
    } else {
      skip('token', 'Session tokens verify in the functions', a ? 'not run: upload-handler did not answer' : 'not run: no signed-in user');
    }

    // ---- Uploads, as @v2-uploader/core makes them ---------------------------------------------
    const small = pdf(SMALL_SIZE);
    const large = pdf(LARGE_SIZE);
    /** @type {{ documentId: string, upload: any } | undefined} */
    let smallDoc;
    /** Realtime subscriptions opened before the uploads, so every row of them can arrive. */
    /** @type {{ rows: any[], error?: string } | undefined} */
    let feedA;
    /** @type {{ rows: any[], error?: string } | undefined} */
    let feedB;

    /** POST upload-handler for `bytes` as user A. @param {Buffer} bytes @param {string} label */
    const startUpload = (bytes, label) => asUser(/** @type {{ token: string }} */ (a), 'upload-handler', {
      method: 'POST',
      body: JSON.stringify({ filename: `v2-verify-${label}-${Date.now()}.pdf`, contentType: 'application/pdf', fileSize: bytes.length, fileHash: md5(bytes) }),
    });
    /** Record a new document for the clean-up. @param {any} body */
    const remember = (body) => {
      if (body?.documentId && !created.documentIds.includes(body.documentId)) created.documentIds.push(body.documentId);
      if (body?.upload?.path && !created.paths.includes(body.upload.path)) created.paths.push(body.upload.path);
    };

    if (report.passed('token') && a) {
      feedA = await follow(a.client, a.user.id);
      if (b) feedB = await follow(b.client);
      await check('create', 'upload-handler POST creates a document',
        'Run supabase db push (the documents table, create_document, the feature flags and the API grants come from the migrations).',
        async () => {
          const r = await startUpload(small, 'small');
          remember(r.body);
          if (r.status === 201 && r.body?.upload?.signedUrl) {
            smallDoc = r.body;
            return { detail: `document ${r.body.documentId}, plan ${r.body.upload.strategy}` };
          }
          if (r.status === 403) return { status: 'fail', detail: describe(r), fix: "Turn the upload flag on: update public.feature_flags set is_enabled = true, rollout_percentage = 100 where flag_name = 'supabase_v2_upload';" };
          if (r.status === 502) return { status: 'fail', detail: describe(r), fix: 'Storage would not sign the upload: the documents bucket and its policies come from supabase db push (20250108000015_storage_documents_bucket.sql).' };
          return { status: 'fail', detail: describe(r) };
        });
    } else {
      skip('create', 'upload-handler POST creates a document', 'not run: the functions do not accept a session yet');
    }

    /** Documents whose bytes Storage holds (the storage event is checked for these). */
    /** @type {{ documentId: string, upload: any }[]} */
    const uploaded = [];
    /**
     * The core's byte-progress report after the last byte. A refusal is a failure of the upload
     * as the app sees it; the fix names the missing grant when the database can be asked.
     * @param {{ token: string }} user @param {string} documentId @param {number} bytes
     */
    const progressFailure = async (user, documentId, bytes) => {
      const r = await reportProgress(asUser, user, documentId, bytes);
      if (r.status === 200) return null;
      const grant = db && r.status === 403 ? await diagnoseGrants(db).catch(() => null) : null;
      return { status: /** @type {const} */ ('fail'), detail: `stored, but the progress report got ${describe(r)}`,
        fix: grant ?? 'upload-handler could not record progress as the user: a grant of 20261207000001_api_role_grants.sql is missing (run it again; --db-url names which).' };
    };

    if (smallDoc && a) {
      const doc = smallDoc;
      const user = a;
      await check('put', `A ${SMALL_SIZE / 1024} KB PDF through the signed PUT`,
        'Storage refused the signed upload: check the documents bucket (private, 50 MiB, PDF/DOCX/TXT) and its policies from supabase db push.',
        async () => {
          const { error } = await user.client.storage.from(doc.upload.bucket)
            .uploadToSignedUrl(doc.upload.path, doc.upload.token, small, { contentType: 'application/pdf', upsert: true });
          if (error) return { status: 'fail', detail: error.message };
          uploaded.push(doc);
          return (await progressFailure(user, doc.documentId, small.length)) ?? { detail: `${small.length} bytes stored` };
        });
      await check('tus', `A ${LARGE_SIZE / 1024 / 1024} MB PDF through TUS`,
        'The resumable upload failed: check that the plan\'s tusEndpoint is reachable from a browser and that the bucket allows 50 MiB.',
        async () => {
          const r = await startUpload(large, 'large');
          remember(r.body);
          if (r.status !== 201 || r.body?.upload?.strategy !== 'tus') return { status: 'fail', detail: `POST: ${describe(r)}` };
          const plan = r.body.upload;
          await tusUpload(plan, large);
          uploaded.push(r.body);
          return (await progressFailure(user, r.body.documentId, large.length)) ?? { detail: `${large.length} bytes in ${Math.ceil(large.length / plan.chunkSize)} chunks to ${new URL(plan.tusEndpoint).host}` };
        });
    } else {
      skip('put', 'Signed PUT upload', 'not run: no document was created');
      skip('tus', 'TUS upload', 'not run: no document was created');
    }

    // ---- The storage event, through the Database Webhook, to processing-webhook ---------------
    if (uploaded.length && a) {
      const user = a;
      await check('storage-event', `The storage event reaches processing-webhook (documents leave "uploading" within ${wait / 1000} s)`,
        'No storage event arrived: put processing_webhook_url (<url>/functions/v1/processing-webhook?source=storage) and processing_webhook_secret (= WEBHOOK_SHARED_SECRET) in Vault, and check the trigger documents_object_inserted exists; --db-url names the broken link.',
        async () => {
          const statuses = await waitForStatuses(asUser, user, uploaded.map((d) => d.documentId), wait);
          const waiting = [...statuses].filter(([, s]) => s.status === 'pending' || s.status === 'uploading');
          const failed = [...statuses].filter(([, s]) => s.status === 'failed');
          const seen = [...statuses.values()].map((s) => s.status).join(', ');
          if (failed.length) {
            return { status: 'fail', detail: `failed: ${failed.map(([, s]) => s.error?.code ?? 'unknown').join(', ')}`, fix: 'processing-webhook failed the document: read its error code above and processing-webhook\'s logs.' };
          }
          if (!waiting.length) return { detail: seen };
          const diagnosis = db ? await diagnoseStorageEvent(db, { projectUrl: url, since: started }).catch((e) => `(could not diagnose: ${e.message})`) : null;
          return { status: 'fail', detail: `still ${seen} after ${wait / 1000} s`, ...(diagnosis ? { fix: diagnosis } : {}) };
        });
    } else {
      skip('storage-event', 'The storage event reaches processing-webhook', 'not run: nothing was uploaded');
    }

    // ---- Realtime ----------------------------------------------------------------------------
    const mine = new Set(created.documentIds);
    if (feedA && report.passed('storage-event')) {
      const feed = feedA;
      await check('realtime', "Realtime delivers this user's progress rows",
        'Realtime delivered nothing: realtime_progress_updates must be in the supabase_realtime publication and authenticated needs SELECT on it (migrations 012 and 20261207000001); --db-url names which.',
        async () => {
          // Realtime refuses the subscription when the table is not published, and is silent
          // when the role may not SELECT it: either way the database says which.
          const diagnose = async () => (db ? await diagnoseRealtime(db).catch((e) => `(could not diagnose: ${e.message})`) : null);
          if (feed.error) {
            const diagnosis = await diagnose();
            return { status: 'fail', detail: `subscription failed: ${feed.error}`, ...(diagnosis ? { fix: diagnosis } : {}) };
          }
          const end = Date.now() + Math.min(wait, 10_000);
          while (Date.now() < end && !uploaded.every((d) => feed.rows.some((row) => row.document_id === d.documentId))) await sleep(200);
          const got = uploaded.filter((d) => feed.rows.some((row) => row.document_id === d.documentId));
          if (got.length === uploaded.length) return { detail: `${feed.rows.length} rows for ${got.length} documents` };
          const diagnosis = await diagnose();
          return { status: 'fail', detail: `${feed.rows.length} rows, none for ${uploaded.length - got.length} of ${uploaded.length} documents`, ...(diagnosis ? { fix: diagnosis } : {}) };
        });
    } else {
      skip('realtime', "Realtime delivers this user's progress rows", 'not run: no document reached the pipeline');
    }
    if (noB || !feedB) {
      skip('realtime-isolation', "A second user receives none of them", noB ?? 'not run: no progress rows');
    } else if (!report.passed('realtime')) {
      skip('realtime-isolation', 'A second user receives none of them', 'not run: Realtime delivered nothing to the owner, so silence proves nothing');
    } else {
      const feed = feedB;
      await check('realtime-isolation', 'A second user receives none of them',
        "Another user received this user's rows: restore the RLS policy on realtime_progress_updates (users read only their own rows, migration 012).",
        async () => {
          if (feed.error) return { status: 'fail', detail: `subscription failed: ${feed.error}`, fix: 'Realtime refused a signed-in user: check Realtime is enabled for the project.' };
          await sleep(500); // a leak would have arrived with the owner's rows
          const leaked = feed.rows.filter((row) => mine.has(row.document_id));
          return leaked.length ? { status: 'fail', detail: `${leaked.length} of user A's rows reached user B` } : { detail: 'user B got 0 of them' };
        });
    }

    // ---- Deduplication -------------------------------------------------------------------------
    if (smallDoc && report.passed('storage-event') && a) {
      const doc = smallDoc;
      await check('duplicate', 'The same file again is a duplicate, 0 bytes sent',
        'The second POST of the same file was not recognised: the unique index on (user_id, file_hash) and create_document come from supabase db push.',
        async () => {
          const r = await startUpload(small, 'small');
          remember(r.body);
          if (r.status !== 200 || r.body?.duplicate !== true || r.body?.documentId !== doc.documentId) return { status: 'fail', detail: describe(r) };
          if (r.body.upload) return { status: 'fail', detail: `the server asks for the bytes again (status ${r.body.document?.status})`, fix: 'The document still waits for its upload: fix the storage event first.' };
          return { detail: `same document, status ${r.body.document?.status}, no upload plan` };
        });
    } else {
      skip('duplicate', 'The same file again is a duplicate', 'not run: the first upload did not complete');
    }

    // ---- Grants and RLS, as the Data API (PostgREST) answers anyone with the key -----------------
    if (!report.passed('auth')) skip('anon-documents', 'anon cannot read documents (Data API)', 'not run: Auth did not answer with this key');
    else await check('anon-documents', 'anon cannot read documents (Data API)',
      'Revoke what anon has: revoke all on public.documents, public.realtime_progress_updates from anon; (the migrations grant anon nothing).',
      async () => {
        const anon = supabaseClient(url, options.key);
        clients.push(anon);
        /** @type {string[]} */
        const seen = [];
        for (const table of ['documents', 'realtime_progress_updates']) {
          const { data, error } = await anon.from(table).select('*').limit(1);
          if (error?.code === '42501') seen.push(`${table}: 42501 permission denied`);
          else if (error?.code === 'PGRST205' || error?.code === 'PGRST106') seen.push(`${table}: not exposed`);
          else if (error) return { status: 'fail', detail: `${table}: ${error.code ?? ''} ${error.message}`, fix: 'The Data API did not answer as expected: check the project is up and the key is its publishable or anon key.' };
          else if (data?.length) return { status: 'fail', detail: `${table}: anon read ${data.length} row(s)` };
          else return { status: 'fail', detail: `${table}: anon has SELECT (RLS hid the rows, but the grant should not be there)` };
        }
        return { detail: seen.join('; ') };
      });

    if (noB || !b || !a) {
      skip('cross-user', "User B cannot read user A's document or object", noB ?? 'not run');
    } else if (!smallDoc || !uploaded.includes(smallDoc)) {
      skip('cross-user', "User B cannot read user A's document or object", 'not run: user A has no stored document');
    } else {
      const [owner, other, doc] = [a, b, smallDoc];
      await check('cross-user', "User B cannot read user A's document or object",
        "Another user reached this user's data: restore the RLS policies on public.documents and storage.objects (supabase db push; documents and bucket migrations).",
        async () => {
          // The owner can (otherwise a refusal to B would prove nothing).
          const own = await owner.client.storage.from(doc.upload.bucket).download(doc.upload.path);
          if (own.error) return { status: 'fail', detail: `user A cannot download its own object: ${own.error.message}`, fix: 'The owner must read its own files: restore the policy "documents: users read their own files" on storage.objects.' };
          /** @type {string[]} */
          const leaks = [];
          const rows = await other.client.from('documents').select('id').eq('id', doc.documentId);
          if (rows.data?.length) leaks.push('Data API returned the row');
          const fn = await asUser(other, 'upload-handler', { query: `?documentId=${doc.documentId}` });
          if (fn.status !== 404) leaks.push(`upload-handler GET answered ${describe(fn)}`);
          const obj = await other.client.storage.from(doc.upload.bucket).download(doc.upload.path);
          if (!obj.error) leaks.push('Storage served the object');
          return leaks.length ? { status: 'fail', detail: leaks.join('; ') } : { detail: `row ${rows.error ? rows.error.code : 'hidden'}, function 404, object refused` };
        });
    }

    // ---- pg_cron ---------------------------------------------------------------------------------
    if (!db) {
      skip('cron', 'pg_cron jobs for the sweep, retention and reconciliation exist', 'not possible with an API key (cron.job is not exposed): pass --db-url to check');
    } else {
      await check('cron', 'pg_cron jobs for the sweep, retention and reconciliation exist',
        'Enable pg_cron (Database → Extensions) and run the migration named above again in the SQL editor.',
        async () => {
          const jobs = await cronJobs(db);
          if (!jobs) return { status: 'fail', detail: 'pg_cron is not installed', fix: 'Enable pg_cron (Database → Extensions), then run 20261207000002_pg_cron_schedules.sql and 20261207000003_storage_object_events.sql again.' };
          const missing = Object.keys(CRON_JOBS).filter((name) => !jobs.get(name)?.active);
          if (!missing.length) return { detail: [...jobs].map(([name, j]) => `${name} (${j.schedule})`).join(', ') };
          return { status: 'fail', detail: `missing or inactive: ${missing.join(', ')}`, fix: `Run ${[...new Set(missing.map((m) => CRON_JOBS[/** @type {keyof typeof CRON_JOBS} */ (m)]))].join(' and ')} again in the SQL editor (pg_cron enabled).` };
        });
    }

    // ---- Clean-up ----------------------------------------------------------------------------------
    await cleanUp({ report, check, skip, created, asUser, a, options, url, db });
  } finally {
    for (const c of clients) {
      await c.removeAllChannels().catch(() => {});
      c.realtime.disconnect();
    }
    await db?.end({ timeout: 2 }).catch(() => {});
  }
}

/**
 * A function is deployed and a browser can talk to it: the preflight passes with CORS, and a
 * request without a session gets the function's own JSON refusal with CORS (not the gateway's).
 * @param {string} url @param {string} key @param {string} name @param {string} origin
 */
async function functionAnswers(url, key, name, origin) {
  const target = `${url}/functions/v1/${name}${name === 'processing-webhook' ? '?source=storage' : ''}`;
  const pre = await request(target, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, x-client-info, apikey, content-type' },
  });
  if (pre.status === 404) return { status: /** @type {const} */ ('fail'), detail: `404 ${describe(pre)}` };
  if (pre.status === 0) return { status: /** @type {const} */ ('fail'), detail: describe(pre), fix: `Nothing answered at ${url}: check --url (https://<ref>.supabase.co) and the network.` };
  const allowOrigin = pre.headers.get('access-control-allow-origin');
  const allowHeaders = (pre.headers.get('access-control-allow-headers') ?? '').toLowerCase();
  if (pre.status < 200 || pre.status >= 300 || !(allowOrigin === '*' || allowOrigin === origin)) {
    return { status: /** @type {const} */ ('fail'), detail: `preflight ${describe(pre)}, allow-origin ${allowOrigin ?? 'missing'}`,
      fix: `Redeploy ${name} from this repository (its OPTIONS answers CORS), and if CORS_ALLOWED_ORIGINS is set, add ${origin} or leave it unset.` };
  }
  const missingHeaders = ['authorization', 'apikey', 'content-type', 'x-client-info'].filter((h) => allowHeaders !== '*' && !allowHeaders.includes(h));
  if (missingHeaders.length) {
    return { status: /** @type {const} */ ('fail'), detail: `preflight does not allow ${missingHeaders.join(', ')}`, fix: `Redeploy ${name} from this repository (_shared/cors.ts allows supabase-js's headers).` };
  }
  // supabase-js before sign-in: the key as apikey and as bearer, which our functions treat as no user.
  const r = await request(target, {
    method: name === 'processing-webhook' ? 'POST' : 'GET',
    headers: { origin, apikey: key, authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(name === 'processing-webhook' ? { body: '{}' } : {}),
  });
  const cors = r.headers.get('access-control-allow-origin');
  if (r.status === 401 && !r.body?.error?.code) {
    return { status: /** @type {const} */ ('fail'), detail: `the gateway refused: ${describe(r)}${cors ? '' : ' (no CORS)'}`,
      fix: `verify_jwt is on for ${name}: deploy with this repository's supabase/config.toml (verify_jwt = false), or supabase functions deploy ${name} --no-verify-jwt.` };
  }
  if (r.status >= 500 || r.status === 0) {
    return { status: /** @type {const} */ ('fail'), detail: describe(r), fix: `${name} failed: read its logs (Edge Functions → ${name} → Logs); a missing secret is the usual cause.` };
  }
  if (!r.body?.error?.code && r.status >= 400) {
    return { status: /** @type {const} */ ('fail'), detail: `not this repository's ${name}: ${describe(r)}`, fix: `Deploy this repository's functions: supabase functions deploy ${name}.` };
  }
  if (!(cors === '*' || cors === origin)) {
    return { status: /** @type {const} */ ('fail'), detail: `${describe(r)} without CORS`, fix: `Redeploy ${name} from this repository (every answer carries CORS).` };
  }
  return { detail: `preflight ${pre.status}, unauthenticated HTTP ${r.status} ${r.body.error.code}` };
}

/**
 * Subscribe to realtime_progress_updates inserts (only `userId`'s when given, else whatever
 * Realtime lets this user see); resolves once subscribed or failed, never throws.
 * @param {import('@supabase/supabase-js').SupabaseClient} client @param {string} [userId]
 * @returns {Promise<{ rows: any[], error?: string }>}
 */
function follow(client, userId) {
  /** @type {{ rows: any[], error?: string }} */
  const feed = { rows: [] };
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ ...feed, error: 'no answer from Realtime within 15 s' }), 15_000);
    client.channel(`v2-verify-${crypto.randomUUID()}`)
      .on('postgres_changes', {
        event: 'INSERT', schema: 'public', table: 'realtime_progress_updates', ...(userId ? { filter: `user_id=eq.${userId}` } : {}),
      }, (/** @type {any} */ change) => feed.rows.push(change.new))
      .subscribe((status, err) => {
        if (status === 'SUBSCRIBED') {
          clearTimeout(timer);
          resolve(feed);
        } else if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') {
          clearTimeout(timer);
          feed.error = err?.message ?? status;
          resolve(feed);
        }
      });
  });
}

/**
 * Send `bytes` with tus-js-client as @v2-uploader/core does (planTusOptions).
 * @param {{ tusEndpoint: string, chunkSize: number, token: string, bucket: string, path: string }} plan @param {Buffer} bytes
 */
function tusUpload(plan, bytes) {
  return new Promise((resolve, reject) => {
    const upload = new tus.Upload(bytes, {
      ...planTusOptions(plan),
      retryDelays: [0, 1000, 3000],
      onSuccess: () => resolve(upload.url),
      onError: reject,
    });
    upload.start();
  });
}

/**
 * The core's byte-progress report (PUT upload-handler) after the last byte; the storage event may
 * have come first, which the function answers 200 with `accepted: false` — also fine.
 * @param {Function} asUser @param {{ token: string }} user @param {string} documentId @param {number} bytes
 * @returns {Promise<{ status: number, body: any, error?: Error }>}
 */
function reportProgress(asUser, user, documentId, bytes) {
  return asUser(user, 'upload-handler', { method: 'PUT', body: JSON.stringify({ documentId, bytesUploaded: bytes }) });
}

/**
 * Poll upload-handler GET until no document is pending/uploading or `ms` passed.
 * @param {Function} asUser @param {{ token: string }} user @param {string[]} ids @param {number} ms
 * @returns {Promise<Map<string, any>>}
 */
async function waitForStatuses(asUser, user, ids, ms) {
  const end = Date.now() + ms;
  /** @type {Map<string, any>} */
  const statuses = new Map();
  for (;;) {
    for (const id of ids) {
      const r = await asUser(user, 'upload-handler', { query: `?documentId=${id}` });
      if (r.status === 200) statuses.set(id, r.body);
      else statuses.set(id, { status: `unknown (${describe(r)})` });
    }
    const waiting = [...statuses.values()].some((s) => s.status === 'pending' || s.status === 'uploading');
    if (!waiting || Date.now() >= end) return statuses;
    await sleep(500);
  }
}

/**
 * Remove what the run created, as far as the credentials allow: unfinished documents are
 * cancelled by their owner (upload-handler DELETE); objects go through Storage with the secret
 * key; documents and anonymous users through the database (--db-url) or Auth's admin API (secret
 * key, which also takes their documents). Whatever stays is named.
 * @param {any} o
 */
async function cleanUp({ check, skip, created, asUser, a, options, url, db }) {
  const name = 'Cleaned up what it created';
  if (!created.documentIds.length && !created.anonymousUserIds.length) {
    skip('cleanup', name, 'nothing was created');
    return;
  }
  await check('cleanup', name, 'Remove the leftovers named above by hand (their names start with v2-verify-).', async () => {
    /** @type {string[]} */
    const problems = [];
    /** @type {string[]} */
    const notPossible = [];
    if (a) {
      for (const id of created.documentIds) {
        // Only unfinished documents can be cancelled; a 409 for a finished one is expected.
        const r = await asUser(a, 'upload-handler', { method: 'DELETE', query: `?documentId=${id}` });
        if (r.status !== 200 && r.status !== 409 && r.status !== 404) problems.push(`cancel ${id}: ${describe(r)}`);
      }
    }
    if (options.secretKey && created.paths.length) {
      const service = supabaseClient(url, options.secretKey);
      const { error } = await service.storage.from('documents').remove(created.paths);
      if (error) problems.push(`objects: ${error.message}`);
    } else if (created.paths.length) {
      notPossible.push(`${created.paths.length} objects (pass --secret-key)`);
    }
    if (db) {
      const left = await deleteCreated(db, created);
      if (left.documents) problems.push(`${left.documents} documents still there`);
      if (left.users) problems.push(`${left.users} test users still there`);
      if (options.secretKey && left.objects) problems.push(`${left.objects} objects still there`);
    } else if (options.secretKey) {
      const service = supabaseClient(url, options.secretKey);
      for (const id of created.anonymousUserIds) {
        const { error } = await service.auth.admin.deleteUser(id);
        if (error) problems.push(`user ${id}: ${error.message}`);
      }
      if (options.email) notPossible.push(`${options.email}'s documents (pass --db-url)`);
    } else {
      notPossible.push(`${created.documentIds.length} documents and ${created.anonymousUserIds.length} anonymous users (pass --secret-key or --db-url)`);
    }
    if (problems.length) return { status: 'fail', detail: problems.join('; ') };
    if (notPossible.length) return { status: 'skip', detail: `left behind, not possible with the given key: ${notPossible.join(', ')}` };
    return { detail: `${created.documentIds.length} documents, ${created.paths.length} objects, ${created.anonymousUserIds.length} anonymous users removed` };
  });
}
