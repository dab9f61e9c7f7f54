// @ts-check
// What the verify command asks the database directly, when given --db-url (a connection as
// `postgres`, e.g. the session pooler URL from the dashboard's Connect dialog): the questions
// no API key can answer — pg_cron's jobs, why a storage event did not arrive (the trigger, the
// Vault secrets, pg_net's answers), why Realtime stayed silent (publication, grant) — and the
// clean-up of rows only the owner may delete.
import postgres from 'postgres';

/** The pg_cron jobs the migrations schedule, and the migration each comes from. */
export const CRON_JOBS = {
  'sweep-abandoned-uploads': '20261207000002_pg_cron_schedules.sql',
  'cleanup-realtime-progress-updates': '20261207000002_pg_cron_schedules.sql',
  'reconcile-landed-uploads': '20261207000003_storage_object_events.sql',
};

/** @param {string} url */
export function connect(url) {
  // prepare: false — the URL may be a transaction-mode pooler, which cannot keep prepared statements.
  return postgres(url, { max: 1, prepare: false, onnotice: () => {}, connect_timeout: 10, idle_timeout: 5 });
}

/**
 * The scheduled jobs by name (missing ones absent); null when pg_cron is not installed.
 * @param {import('postgres').Sql} sql
 * @returns {Promise<Map<string, { schedule: string, active: boolean }> | null>}
 */
export async function cronJobs(sql) {
  const [ext] = await sql`select 1 from pg_extension where extname = 'pg_cron'`;
  if (!ext) return null;
  const rows = await sql`select jobname, schedule, active from cron.job where jobname = any(${Object.keys(CRON_JOBS)})`;
  return new Map(rows.map((r) => [r.jobname, { schedule: r.schedule, active: r.active }]));
}

/**
 * Why no storage event reached processing-webhook: the first broken link, as one sentence to
 * act on, or null when every link looks right.
 * @param {import('postgres').Sql} sql @param {{ projectUrl: string, since: Date }} o
 */
export async function diagnoseStorageEvent(sql, { projectUrl, since }) {
  const triggers = await sql`select tgname from pg_trigger
                              where tgrelid = 'storage.objects'::regclass and not tgisinternal and tgenabled <> 'D'
                                and tgname in ('documents_object_inserted', 'documents_object_updated')`;
  if (!triggers.some((t) => t.tgname === 'documents_object_inserted')) {
    return 'The trigger documents_object_inserted on storage.objects is missing or disabled: run supabase/migrations/20261207000003_storage_object_events.sql again in the SQL editor (db push will not re-run an applied migration).';
  }
  const secrets = new Map((await sql`select name, decrypted_secret from vault.decrypted_secrets
                                       where name in ('processing_webhook_url', 'processing_webhook_secret')`).map((r) => [r.name, r.decrypted_secret]));
  const expectedUrl = `${projectUrl}/functions/v1/processing-webhook?source=storage`;
  if (!secrets.get('processing_webhook_url')) {
    return `Vault has no processing_webhook_url: select vault.create_secret('${expectedUrl}', 'processing_webhook_url');`;
  }
  if (!secrets.get('processing_webhook_secret')) {
    return "Vault has no processing_webhook_secret: select vault.create_secret('<your WEBHOOK_SHARED_SECRET>', 'processing_webhook_secret');";
  }
  if (secrets.get('processing_webhook_url') !== expectedUrl) {
    return `Vault's processing_webhook_url is ${secrets.get('processing_webhook_url')}, not ${expectedUrl}: update it with vault.update_secret.`;
  }
  const answers = await sql`select status_code, content, timed_out, error_msg from net._http_response
                             where created >= ${since} order by created desc limit 20`;
  const refused = answers.find((a) => a.status_code === 401);
  if (refused) {
    return 'processing-webhook refused the storage event (401): processing_webhook_secret in Vault differs from the function secret WEBHOOK_SHARED_SECRET; set both to the same value.';
  }
  const missing = answers.find((a) => a.status_code === 404 && /NOT_FOUND|not found/i.test(String(a.content)) && !/document_not_found/.test(String(a.content)));
  if (missing) return 'pg_net got 404 from processing-webhook: deploy it (supabase functions deploy processing-webhook).';
  const failed = answers.find((a) => a.timed_out || a.error_msg || (a.status_code ?? 0) >= 500);
  if (failed) {
    return `pg_net could not deliver the storage event (${failed.error_msg ?? (failed.timed_out ? 'timed out' : `HTTP ${failed.status_code}`)}): check processing-webhook's logs and the URL in Vault.`;
  }
  if (!answers.length) {
    return 'pg_net sent nothing since the upload: check that pg_net is enabled (Database → Extensions) and that the object landed in bucket documents.';
  }
  return null;
}

/**
 * The privileges the functions and Realtime use as `authenticated`, each as the GRANT that gives
 * it (from 20261207000001_api_role_grants.sql, which grants exactly these).
 */
const USER_GRANTS = [
  ['table', 'public.documents', 'select', 'grant select on public.documents to authenticated;'],
  ['table', 'public.documents', 'insert', 'grant insert on public.documents to authenticated;'],
  ['column', 'public.documents', 'update', 'grant update (status, upload_progress, bytes_uploaded, chunks_total, chunks_uploaded, processing_progress, processing_stage, last_progress_at, error_code, error_message, retry_count) on public.documents to authenticated;'],
  ['table', 'public.document_status_transitions', 'select', 'grant select on public.document_status_transitions to authenticated;'],
  ['table', 'public.realtime_progress_updates', 'select', 'grant select on public.realtime_progress_updates to authenticated;'],
  ['table', 'public.realtime_progress_updates', 'insert', 'grant insert on public.realtime_progress_updates to authenticated;'],
  ['function', 'public.create_document(text, text, bigint, text, integer)', 'execute', 'grant execute on function public.create_document(text, text, bigint, text, integer) to authenticated;'],
  ['function', 'public.my_feature_enabled(text)', 'execute', 'grant execute on function public.my_feature_enabled(text) to authenticated;'],
];

/**
 * The first privilege `authenticated` lacks, as the statement that restores it, or null.
 * @param {import('postgres').Sql} sql
 */
export async function diagnoseGrants(sql) {
  for (const [kind, object, privilege, fix] of USER_GRANTS) {
    const [{ ok }] = kind === 'function'
      ? await sql`select has_function_privilege('authenticated', ${object}, ${privilege}) as ok`
      : kind === 'column'
        ? await sql`select has_column_privilege('authenticated', ${object}, 'bytes_uploaded', ${privilege}) as ok`
        : await sql`select has_table_privilege('authenticated', ${object}, ${privilege}) as ok`;
    if (!ok) return `authenticated lacks ${privilege} on ${object}: ${fix} (migration 20261207000001_api_role_grants.sql).`;
  }
  return null;
}

/**
 * Why Realtime delivered nothing: the publication or the grant, or null when both are right.
 * @param {import('postgres').Sql} sql
 */
export async function diagnoseRealtime(sql) {
  const [published] = await sql`select 1 from pg_publication_tables
                                  where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = 'realtime_progress_updates'`;
  if (!published) {
    return 'realtime_progress_updates is not in the supabase_realtime publication: alter publication supabase_realtime add table public.realtime_progress_updates;';
  }
  const [{ granted }] = await sql`select has_table_privilege('authenticated', 'public.realtime_progress_updates', 'select') as granted`;
  if (!granted) {
    return 'authenticated has no SELECT on realtime_progress_updates, so Realtime sends it nothing: grant select on public.realtime_progress_updates to authenticated; (migration 20261207000001_api_role_grants.sql).';
  }
  return null;
}

/**
 * Delete what the run created that only the owner may delete: the documents (their progress
 * rows and webhook events) and the anonymous users it signed up. Users passed with --email are
 * kept. Returns what is still there afterwards.
 * @param {import('postgres').Sql} sql
 * @param {{ documentIds: string[], anonymousUserIds: string[], paths: string[] }} created
 */
export async function deleteCreated(sql, { documentIds, anonymousUserIds, paths }) {
  await sql.begin(async (tx) => {
    await tx`delete from public.realtime_progress_updates
               where document_id = any(${documentIds}::uuid[]) or user_id = any(${anonymousUserIds}::uuid[])`;
    await tx`delete from public.webhook_events where document_id = any(${documentIds}::uuid[])`;
    await tx`delete from public.documents where id = any(${documentIds}::uuid[])`;
    await tx`delete from auth.users where id = any(${anonymousUserIds}::uuid[]) and is_anonymous`;
  });
  const [left] = await sql`select
      (select count(*) from public.documents where id = any(${documentIds}::uuid[]))::int as documents,
      (select count(*) from auth.users where id = any(${anonymousUserIds}::uuid[]))::int as users,
      (select count(*) from storage.objects where bucket_id = 'documents' and name = any(${paths}))::int as objects`;
  return /** @type {{ documents: number, users: number, objects: number }} */ (left);
}
