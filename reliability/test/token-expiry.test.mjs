// @ts-check
// Access tokens that expire mid-upload: a stack whose JWTs live JWT_EXPIRY seconds, uploads
// slowed in Chromium so that each spans several expiries, and the first upload-handler call
// held by the proxy until its token has expired (a slow network), so the function answers
// 401 auth_expired. With supabase-js's autoRefreshToken off and on, the upload must complete
// after a refresh, byte-identical.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MiB, openRig, SEED, verifyStored } from '../lib/harness.mjs';

const JWT_EXPIRY = 5;
const THROTTLE = 2 * MiB;
const SIZE = 20 * MiB + 7;

/** @type {Awaited<ReturnType<typeof openRig>>} */
let rig;
/** Hold the next upload-handler POST until its token has expired. */
let holdNextInit = false;

before(async () => {
  rig = await openRig({
    stack: { jwtExpiry: JWT_EXPIRY },
    proxy: {
      seed: SEED,
      stallMs: (JWT_EXPIRY + 2) * 1000,
      decide: (req, url) => {
        if (holdNextInit && req.method === 'POST' && url.pathname === '/functions/v1/upload-handler') {
          holdNextInit = false;
          return 'stall';
        }
        return null;
      },
    },
  });
});

after(async () => {
  await rig?.close();
});

for (const autoRefreshToken of [false, true]) {
  test(`autoRefreshToken ${autoRefreshToken ? 'on' : 'off'}: an upload spanning several token expiries, its start held past one, completes after refreshes`, { timeout: 5 * 60_000 }, async () => {
    const { stack, proxy } = rig;
    const page = await rig.openPage();
    const cdp = await page.createCDPSession();
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: THROTTLE });
    const session = await page.evaluate((u, k, a) => window.rel.connect(u, k, { signUp: true, autoRefreshToken: a }), stack.url, stack.publishableKey, autoRefreshToken);
    const from = proxy.stats.events.length;
    const spec = { seed: SEED + 9000 + (autoRefreshToken ? 1 : 0), size: SIZE };
    holdNextInit = true;
    const started = Date.now();
    await page.evaluate((s) => window.rel.start(s), spec);
    const deadline = Date.now() + 4 * 60_000;
    let result;
    while (!(result = await page.evaluate(() => window.relState.result)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const ms = Date.now() - started;
    const events = proxy.stats.events.slice(from);
    assert.equal(result?.outcome, 'stored', JSON.stringify(result));
    assert.deepEqual(await verifyStored(rig, { ...spec, documentId: result.documentId }), []);

    // It really spanned expiries, hit the 401, and refreshed.
    assert.ok(ms > 2 * JWT_EXPIRY * 1000, `the upload took ${ms} ms`);
    const inits = events.filter((e) => e.method === 'POST' && e.path === '/functions/v1/upload-handler');
    assert.equal(inits[0]?.fault, 'stall');
    assert.equal(inits[0]?.status, 401, JSON.stringify(inits));
    assert.ok(inits.some((e) => e.status === 201 || e.status === 200), JSON.stringify(inits));
    const refreshes = events.filter((e) => e.path === '/auth/v1/token' && e.status === 200);
    assert.ok(refreshes.length >= 2, `${refreshes.length} refreshes`);
    const firstExpiry = /** @type {number} */ (session.expiresAt) * 1000;
    const reportsAfterExpiry = events.filter((e) => e.method === 'PUT' && e.path === '/functions/v1/upload-handler' && e.at > firstExpiry + 1000);
    assert.ok(reportsAfterExpiry.length > 0, 'progress reports went out after the first token expired');
    assert.deepEqual(reportsAfterExpiry.filter((e) => e.status !== 200), [], 'and were accepted with fresh tokens');
    const [doc] = await stack.sql`select status, bytes_uploaded from documents where id = ${result.documentId}`;
    assert.ok(!['pending', 'uploading', 'failed', 'cancelled'].includes(doc.status), doc.status);
    console.log(`autoRefreshToken ${autoRefreshToken}: ${ms} ms, ${refreshes.length} refreshes, init statuses ${inits.map((e) => e.status).join(',')}, ${reportsAfterExpiry.length} progress reports after the first expiry`);
    await page.close();
  });
}
