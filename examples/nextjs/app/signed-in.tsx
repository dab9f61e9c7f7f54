'use client';
// Signs the user in with the app's Supabase client, then shares that client (and one uploader
// made with it) with everything inside through <UploaderProvider>.
import type { Session } from '@supabase/supabase-js';
import { UploaderProvider } from '@v2-uploader/react';
import { type FormEvent, type ReactNode, useEffect, useState } from 'react';
import { supabase } from './supabase';

export function SignedIn({ children }: { children: ReactNode }) {
  // undefined until the client has read the stored session (and until the page is hydrated, so
  // the form cannot be submitted natively before React handles it).
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [message, setMessage] = useState('');
  useEffect(() => {
    const { data } = supabase.auth.onAuthStateChange((_event, next) => setSession(next));
    return () => data.subscription.unsubscribe();
  }, []);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const { error } = await supabase.auth.signInWithPassword({
      email: String(data.get('email')),
      password: String(data.get('password')),
    });
    setMessage(error ? error.message : '');
  }

  return (
    <>
      <form id="sign-in" onSubmit={onSubmit}>
        <label>Email <input name="email" type="email" autoComplete="username" required /></label>
        <label>Password <input name="password" type="password" autoComplete="current-password" required /></label>
        <button type="submit" disabled={session === undefined}>Sign in</button>
        <output id="who">{message || (session ? `Signed in as ${session.user.email}` : 'Not signed in')}</output>
      </form>
      {session ? <UploaderProvider supabase={supabase}>{children}</UploaderProvider> : null}
    </>
  );
}
