import assert from 'node:assert/strict';
import { corsHeaders, corsOptionsFromEnv, preflight, withCors } from './cors.ts';

const req = (method: string, origin?: string) =>
  new Request('http://localhost/functions/v1/upload-handler', {
    method,
    headers: origin ? { origin } : {},
  });

Deno.test('preflight answers 204 with the headers supabase-js sends', () => {
  const res = preflight(req('OPTIONS', 'https://app.example'));
  assert.ok(res);
  assert.equal(res.status, 204);
  assert.equal(res.headers.get('access-control-allow-origin'), '*');
  for (const h of ['authorization', 'x-client-info', 'apikey', 'content-type', 'x-retry-count', 'traceparent', 'tracestate', 'baggage', 'x-region']) {
    assert.match(res.headers.get('access-control-allow-headers') ?? '', new RegExp(`\\b${h}\\b`));
  }
  assert.match(res.headers.get('access-control-allow-methods') ?? '', /PUT/);
  assert.match(res.headers.get('access-control-expose-headers') ?? '', /retry-after/);
});

Deno.test('non-OPTIONS requests are not preflights', () => {
  assert.equal(preflight(req('POST')), null);
});

Deno.test('allowed origins are reflected, others get no allow-origin', () => {
  const options = { allowedOrigins: ['https://app.example'] };
  assert.equal(corsHeaders(req('GET', 'https://app.example'), options)['Access-Control-Allow-Origin'], 'https://app.example');
  assert.equal(corsHeaders(req('GET', 'https://evil.example'), options)['Access-Control-Allow-Origin'], undefined);
  assert.equal(corsHeaders(req('GET', 'https://app.example'), options)['Vary'], 'Origin');
});

Deno.test('CORS_ALLOWED_ORIGINS is read as a comma-separated list', () => {
  const env = new Map([['CORS_ALLOWED_ORIGINS', ' https://a.example , https://b.example ']]);
  assert.deepEqual(corsOptionsFromEnv(env), { allowedOrigins: ['https://a.example', 'https://b.example'] });
  assert.deepEqual(corsOptionsFromEnv(new Map()), {});
});

Deno.test('withCors keeps status and body and adds the headers', async () => {
  const res = withCors(req('POST'), new Response('{"ok":true}', { status: 201, headers: { 'content-type': 'application/json' } }));
  assert.equal(res.status, 201);
  assert.equal(res.headers.get('content-type'), 'application/json');
  assert.equal(res.headers.get('access-control-allow-origin'), '*');
  assert.equal(await res.text(), '{"ok":true}');
});
