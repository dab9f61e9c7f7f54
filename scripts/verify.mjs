#!/usr/bin/env node
// @ts-check
// `npm run verify -- --url https://<ref>.supabase.co --key sb_publishable_…`: proves that a
// Supabase project runs the reference backend end to end, with the clients an app uses — auth,
// the three functions with CORS, a signed PUT and a TUS upload, the storage event through the
// Database Webhook, Realtime for the owner and for nobody else, deduplication, grants and RLS on
// the Data API, pg_cron's jobs — and removes what it created. One line per check; on a failure
// the fix. Exit code 0 only when no check failed (`--strict`: and every check could run).
import { parseArgs } from 'node:util';
import { runChecks } from './lib/verify/checks.mjs';
import { formatLine, formatSummary, Report } from './lib/verify/report.mjs';

const USAGE = `usage: npm run verify -- --url <project url> --key <publishable or anon key> [options]

  --url <url>            the project URL, e.g. https://<ref>.supabase.co
  --key <key>            its publishable key (sb_publishable_…) or legacy anon key
  --email, --password    sign in as this user instead of anonymously
  --email-b, --password-b  the second user for the isolation checks (default: anonymous)
  --secret-key <key>     sb_secret_… or service_role key: lets it remove the test objects and users
  --db-url <url>         a postgres connection string (Connect → session pooler): checks the
                         pg_cron jobs, names the broken link when an event or Realtime stays
                         silent, removes the test rows
  --wait <seconds>       how long the storage event and Realtime may take (default 20)
  --origin <origin>      the browser origin for the CORS checks (default https://app.example.com)
  --json                 one JSON document on stdout instead of lines
  --strict               also fail when a check was not possible with the given credentials
`;

/** @returns {{ options: import('./lib/verify/checks.mjs').VerifyOptions, json: boolean, strict: boolean }} */
function parse() {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' }, key: { type: 'string' },
      email: { type: 'string' }, password: { type: 'string' },
      'email-b': { type: 'string' }, 'password-b': { type: 'string' },
      'secret-key': { type: 'string' }, 'db-url': { type: 'string' },
      wait: { type: 'string' }, origin: { type: 'string' },
      json: { type: 'boolean', default: false }, strict: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const fail = (/** @type {string} */ msg) => {
    process.stderr.write(`verify: ${msg}\n\n${USAGE}`);
    process.exit(2);
  };
  if (!values.url || !values.key) fail('--url and --key are required');
  try {
    new URL(/** @type {string} */ (values.url));
  } catch {
    fail(`--url is not a URL: ${values.url}`);
  }
  if (values.email && !values.password) fail('--email needs --password');
  if (values['email-b'] && !values['password-b']) fail('--email-b needs --password-b');
  const wait = values.wait === undefined ? 20 : Number(values.wait);
  if (!(wait > 0 && wait <= 600)) fail('--wait is a number of seconds, 1–600');
  return {
    options: {
      url: /** @type {string} */ (values.url),
      key: /** @type {string} */ (values.key),
      ...(values.email ? { email: values.email, password: values.password } : {}),
      ...(values['email-b'] ? { emailB: values['email-b'], passwordB: values['password-b'] } : {}),
      ...(values['secret-key'] ? { secretKey: values['secret-key'] } : {}),
      ...(values['db-url'] ? { dbUrl: values['db-url'] } : {}),
      ...(values.origin ? { origin: values.origin } : {}),
      waitSeconds: wait,
    },
    json: values.json ?? false,
    strict: values.strict ?? false,
  };
}

const { options, json, strict } = parse();
const report = new Report({ onResult: json ? undefined : (r) => console.log(formatLine(r)) });
if (!json) console.log(`verify: ${options.url}\n`);
try {
  await runChecks(options, report);
} catch (error) {
  // A bug in a check must not look like a pass.
  report.add({ id: 'verify', name: 'The verify command itself', status: 'fail', detail: String(/** @type {any} */ (error)?.stack ?? error), fix: 'This is a bug in scripts/verify.mjs; please report it with this output.' });
}
const counts = report.counts();
const ok = counts.failed === 0 && (!strict || counts.skipped === 0);
if (json) {
  console.log(JSON.stringify({ url: options.url, ok, ...counts, checks: report.results }, null, 2));
} else {
  console.log(`\n${formatSummary(report)}`);
}
// realtime-js and undici keep sockets open for a while; the verdict is in.
process.exit(ok ? 0 : 1);
