// Two ways to upload in a React app, both with the app's Supabase client and session:
// your own UI on the hooks (useUploader + useUploaderState), and the <V2Uploader> component.
import type { Session } from '@supabase/supabase-js';
import type { UploadFileState } from '@v2-uploader/core';
import { useUploader, useUploaderState, V2Uploader } from '@v2-uploader/react';
import { type FormEvent, useEffect, useState } from 'react';
import { supabase } from './supabase.ts';

function SignIn({ session }: { session: Session | null }) {
  const [message, setMessage] = useState('');
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
    <form id="sign-in" onSubmit={onSubmit}>
      <label>Email <input name="email" type="email" autoComplete="username" required /></label>
      <label>Password <input name="password" type="password" autoComplete="current-password" required /></label>
      <button type="submit">Sign in</button>
      <output id="who">{message || (session ? `Signed in as ${session.user.email}` : 'Not signed in')}</output>
    </form>
  );
}

function FileRow({ file }: { file: UploadFileState }) {
  return (
    <li data-file={file.name} data-status={file.status}>
      {file.name}: {file.status} {Math.round(file.progress * 100)}%
      {file.error ? <span role="alert"> {file.error.message}</span> : null}
    </li>
  );
}

/** Your own UI: a file input and a list, on the core store through the hooks. */
function HooksUploader() {
  const uploader = useUploader({ supabase, accept: '.pdf' });
  const files = useUploaderState(uploader, (s) => s.files);
  return (
    <section aria-labelledby="hooks-title">
      <h2 id="hooks-title">With the hooks</h2>
      <input id="hooks-input" type="file" accept=".pdf" multiple onChange={(e) => {
        if (e.target.files) void uploader.addFiles(e.target.files);
        e.target.value = '';
      }} />
      <ul id="hooks-files">{files.map((f) => <FileRow key={f.id} file={f} />)}</ul>
    </section>
  );
}

/** The ready-made element, as a React component. */
function ElementUploader() {
  const [done, setDone] = useState<string[]>([]);
  return (
    <section aria-labelledby="element-title">
      <h2 id="element-title">With &lt;V2Uploader&gt;</h2>
      <V2Uploader
        supabase={supabase}
        accept=".pdf"
        multiple
        onV2ProcessingComplete={(event) => setDone((names) => [...names, event.detail.file.name])}
      />
      <ul id="files">{done.map((name) => <li key={name} data-file={name} data-status="completed">{name}: completed</li>)}</ul>
    </section>
  );
}

export default function App() {
  const [session, setSession] = useState<Session | null>(null);
  useEffect(() => {
    const { data } = supabase.auth.onAuthStateChange((_event, next) => setSession(next));
    return () => data.subscription.unsubscribe();
  }, []);
  return (
    <main>
      <h1>Documents</h1>
      <SignIn session={session} />
      {session ? (
        <>
          <HooksUploader />
          <ElementUploader />
        </>
      ) : null}
    </main>
  );
}
