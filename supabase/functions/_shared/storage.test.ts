import assert from 'node:assert/strict';
import { tusEndpoint } from './storage.ts';

Deno.test('a hosted project sends TUS to its direct storage host', () => {
  assert.equal(tusEndpoint('https://abcdefghijklmnopqrst.supabase.co'), 'https://abcdefghijklmnopqrst.storage.supabase.co/storage/v1/upload/resumable/sign');
  assert.equal(tusEndpoint('https://abcdefghijklmnopqrst.supabase.co/'), 'https://abcdefghijklmnopqrst.storage.supabase.co/storage/v1/upload/resumable/sign');
});

Deno.test('custom domains, local stacks and look-alikes keep the project URL', () => {
  for (const url of [
    'https://api.example.com',
    'http://127.0.0.1:54321',
    'http://abcdefghijklmnopqrst.supabase.co', // not TLS: not the platform
    'https://abcdefghijklmnopqrst.supabase.co.evil.example',
    'https://abcdefghijklmnopqrst.storage.supabase.co', // already the storage host
    'https://a.b.supabase.co',
  ]) {
    assert.equal(tusEndpoint(url), `${url}/storage/v1/upload/resumable/sign`, url);
  }
});
