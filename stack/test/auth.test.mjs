// @ts-check
// /auth/v1 through the real @supabase/supabase-js client: every flow an app uses.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { decodeJwt } from 'jose';
import { client, signedInClient, startTestStack } from './helpers.mjs';

/** @type {Awaited<ReturnType<typeof startTestStack>>} */
let stack;
before(async () => {
  stack = await startTestStack({ processor: false, jwtExpiry: 2 });
});
after(async () => {
  await stack?.stop();
});

test('health answers', async () => {
  const res = await fetch(`${stack.url}/auth/v1/health`);
  assert.equal(res.status, 200);
  assert.equal((await res.json()).name, 'GoTrue');
});

test('sign-up with email and password returns a session with GoTrue claims', async () => {
  const { user, session, email } = await signedInClient(stack);
  assert.equal(user.email, email);
  const claims = decodeJwt(session.access_token);
  assert.equal(claims.sub, user.id);
  assert.equal(claims.role, 'authenticated');
  assert.equal(claims.aud, 'authenticated');
  assert.equal(typeof claims.session_id, 'string');
  assert.equal(/** @type {number} */ (claims.exp) - /** @type {number} */ (claims.iat), 2, 'the configured lifetime');
  const [row] = await stack.sql`select email, encrypted_password from auth.users where id = ${user.id}`;
  assert.equal(row?.email, email);
  assert.match(String(row?.encrypted_password), /^\$2[aby]\$/, 'passwords are stored as bcrypt hashes');
});

test('sign-up refuses duplicates and weak passwords with GoTrue error codes', async () => {
  const c = client(stack);
  const dup = await c.auth.signUp({ email: 'alice@example.com', password: 'whatever123' });
  assert.equal(dup.error?.code, 'user_already_exists');
  const weak = await c.auth.signUp({ email: `w-${crypto.randomUUID()}@example.com`, password: '123' });
  assert.equal(weak.error?.code, 'weak_password');
});

test('sign-in with password (seeded demo user) and wrong password', async () => {
  const c = client(stack);
  const ok = await c.auth.signInWithPassword({ email: 'alice@example.com', password: 'password123' });
  assert.equal(ok.error, null);
  assert.equal(ok.data.user?.id, '11111111-1111-4111-8111-111111111111');
  const bad = await client(stack).auth.signInWithPassword({ email: 'alice@example.com', password: 'nope-nope' });
  assert.equal(bad.error?.code, 'invalid_credentials');
  assert.equal(bad.data.session, null);
});

test('anonymous sign-in makes an anonymous user', async () => {
  const c = client(stack);
  const { data, error } = await c.auth.signInAnonymously();
  assert.equal(error, null);
  assert.equal(data.user?.is_anonymous, true);
  assert.equal(decodeJwt(data.session?.access_token ?? '').is_anonymous, true);
});

test('getUser reads the session user; an expired token is refused; refresh rotates', async () => {
  const { client: c, user, session } = await signedInClient(stack);
  assert.equal((await c.auth.getUser()).data.user?.id, user.id);
  await new Promise((r) => setTimeout(r, 2100));
  const expired = await c.auth.getUser(session.access_token);
  assert.ok(expired.error, 'a 2 s token is expired after 2.1 s');
  const refreshed = await c.auth.refreshSession();
  assert.equal(refreshed.error, null);
  assert.notEqual(refreshed.data.session?.refresh_token, session.refresh_token, 'refresh tokens rotate');
  assert.equal((await c.auth.getUser(refreshed.data.session?.access_token)).data.user?.id, user.id);
  const unknown = await client(stack).auth.refreshSession({ refresh_token: 'not-a-real-token' });
  assert.equal(unknown.error?.code, 'refresh_token_not_found');
});

test('sign-out ends the session: its refresh token no longer works', async () => {
  const { client: c, session } = await signedInClient(stack);
  assert.equal((await c.auth.signOut()).error, null);
  const again = await client(stack).auth.refreshSession({ refresh_token: session.refresh_token });
  assert.ok(again.error);
  const user = await fetch(`${stack.url}/auth/v1/user`, { headers: { authorization: `Bearer ${session.access_token}`, apikey: stack.anonKey } });
  assert.equal(user.status, 403);
});

test('users are written and found as GoTrue writes and finds them', async () => {
  const c = client(stack);
  const email = `Mixed.Case-${crypto.randomUUID()}@Example.com`;
  const up = await c.auth.signUp({ email, password: 'correct horse battery' });
  assert.equal(up.error, null);
  const [row] = await stack.sql`select * from auth.users where id = ${up.data.user?.id}`;
  assert.equal(row.instance_id, '00000000-0000-0000-0000-000000000000');
  for (const column of ['confirmation_token', 'recovery_token', 'email_change_token_new', 'email_change', 'email_change_token_current', 'phone_change', 'phone_change_token', 'reauthentication_token']) {
    assert.equal(row[column], '', `${column} is '' (GoTrue scans it into a string)`);
  }
  assert.deepEqual(up.data.user?.identities?.map((i) => [i.provider, i.id]), [['email', row.id]], 'an email identity, returned with the user');
  const again = await client(stack).auth.signInWithPassword({ email: email.toUpperCase(), password: 'correct horse battery' });
  assert.equal(again.error, null, 'found by lower(email)');

  // The seed's demo users are GoTrue-valid rows: they sign in.
  const alice = await client(stack).auth.signInWithPassword({ email: 'alice@example.com', password: 'password123' });
  assert.equal(alice.error, null);
  assert.equal(alice.data.user?.identities?.[0]?.provider, 'email');

  // A row written the old way (NULL instance_id) is not found; NULL token columns break GoTrue's read.
  const orphan = `orphan-${crypto.randomUUID()}@example.com`;
  await stack.sql`insert into auth.users (id, aud, role, email, encrypted_password, email_confirmed_at)
                  values (gen_random_uuid(), 'authenticated', 'authenticated', ${orphan}, extensions.crypt('password123', extensions.gen_salt('bf')), now())`;
  const notFound = await client(stack).auth.signInWithPassword({ email: orphan, password: 'password123' });
  assert.equal(notFound.error?.status, 400);
  assert.equal(notFound.error?.code, 'invalid_credentials');
  await stack.sql`update auth.users set instance_id = '00000000-0000-0000-0000-000000000000' where email = ${orphan}`;
  const unreadable = await client(stack).auth.signInWithPassword({ email: orphan, password: 'password123' });
  assert.equal(unreadable.error?.status, 500);
  assert.match(String(unreadable.error?.message), /Database error querying schema/);
});

