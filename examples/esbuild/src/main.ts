// <v2-uploader> in an esbuild app. esbuild does not follow `new URL(…, import.meta.url)`, so
// the hash worker is a second entry point (dist/hash-worker.js, see package.json) and the app
// gives the element an Uploader whose WorkerHasher knows where it is.
import { createClient } from '@supabase/supabase-js';
import { Uploader, WorkerHasher } from '@v2-uploader/core';
import '@v2-uploader/elements/define.js';

const supabase = createClient(process.env.SUPABASE_URL, process.env.SUPABASE_PUBLISHABLE_KEY);
const hasher = new WorkerHasher({
  createWorker: () => new Worker(new URL('./hash-worker.js', import.meta.url), { type: 'module' }),
});

const uploader = document.querySelector('v2-uploader')!;
const form = document.querySelector<HTMLFormElement>('#sign-in')!;
const who = document.querySelector<HTMLOutputElement>('#who')!;
const list = document.querySelector<HTMLUListElement>('#files')!;

uploader.uploader = new Uploader({ supabase, hasher });

supabase.auth.onAuthStateChange((_event, session) => {
  who.textContent = session ? `Signed in as ${session.user.email}` : 'Not signed in';
  uploader.disabled = !session;
});

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const data = new FormData(form);
  const { error } = await supabase.auth.signInWithPassword({
    email: String(data.get('email')),
    password: String(data.get('password')),
  });
  if (error) who.textContent = error.message;
});

function show(name: string, status: string): void {
  let row = [...list.children].find((li) => li.getAttribute('data-file') === name);
  if (!row) {
    row = document.createElement('li');
    row.setAttribute('data-file', name);
    list.append(row);
  }
  row.setAttribute('data-status', status);
  row.textContent = `${name}: ${status}`;
}

uploader.addEventListener('v2-upload-start', (event) => show(event.detail.file.name, 'uploading'));
uploader.addEventListener('v2-upload-complete', (event) => show(event.detail.file.name, 'processing'));
uploader.addEventListener('v2-processing-complete', (event) => show(event.detail.file.name, 'completed'));
uploader.addEventListener('v2-upload-error', (event) => show(event.detail.file.name, `failed: ${event.detail.error.message}`));
