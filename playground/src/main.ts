// The playground page: sign in against the local stack, upload with <v2-uploader> (and the
// hooks-only React UI), and watch documents move through the pipeline in a live list.
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import '@v2-uploader/elements/define.js';
import type { V2UploaderElement } from '@v2-uploader/elements';

interface StackInfo { url: string; publishableKey: string; storybookUrl: string }
interface DocumentDto { id: string; filename: string; status: string; upload: { progress: number }; processing: { stage: string | null; progress: number } }

const $ = <T extends Element>(selector: string) => document.querySelector(selector) as T;
const info: StackInfo = await (await fetch('/stack.json')).json();
$<HTMLAnchorElement>('#storybook').href = info.storybookUrl;

const supabase: SupabaseClient = createClient(info.url, info.publishableKey, { auth: { storageKey: 'v2-playground' } });
const uploader = $<V2UploaderElement>('#uploader');
uploader.supabase = supabase;

let channel: ReturnType<SupabaseClient['channel']> | undefined;
let refreshTimer: ReturnType<typeof setInterval> | undefined;

async function listDocuments(): Promise<DocumentDto[]> {
  const { data } = await supabase.auth.getSession();
  if (!data.session) return [];
  const res = await fetch(`${info.url}/functions/v1/upload-handler?limit=50`, {
    headers: { authorization: `Bearer ${data.session.access_token}`, apikey: info.publishableKey },
  });
  return res.ok ? ((await res.json()) as { documents: DocumentDto[] }).documents : [];
}

async function renderDocuments(): Promise<void> {
  const docs = await listDocuments();
  const body = $<HTMLTableSectionElement>('#documents');
  body.replaceChildren(...(docs.length ? docs : []).map((d) => {
    const tr = document.createElement('tr');
    tr.dataset['status'] = d.status;
    const percent = ['uploaded', 'processing', 'parsing', 'embedding', 'completed'].includes(d.status) ? d.processing.progress : d.upload.progress;
    for (const text of [d.filename, d.status, `${Math.round(percent)}%`]) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    return tr;
  }));
  if (!docs.length) body.innerHTML = '<tr><td colspan="3">No documents yet: drop one on the uploader.</td></tr>';
}

async function onSession(): Promise<void> {
  const { data } = await supabase.auth.getUser();
  const user = data.user;
  $<HTMLSpanElement>('#who').textContent = user ? `Signed in as ${user.email || 'an anonymous user'}` : 'Not signed in';
  $<HTMLButtonElement>('#sign-out').hidden = !user;
  uploader.disabled = !user;
  if (channel) await supabase.removeChannel(channel);
  clearInterval(refreshTimer);
  channel = undefined;
  if (user) {
    // Every progress row of this user refreshes the list (RLS: only their rows arrive).
    channel = supabase
      .channel(`playground-${user.id}`)
      .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'realtime_progress_updates', filter: `user_id=eq.${user.id}` }, () => void renderDocuments())
      .subscribe();
    refreshTimer = setInterval(() => void renderDocuments(), 5000);
  }
  await renderDocuments();
  window.dispatchEvent(new CustomEvent('playground-session', { detail: { user } }));
}

async function signIn(how: 'anonymous' | 'alice' | 'bob'): Promise<void> {
  await supabase.auth.signOut();
  if (how === 'anonymous') await supabase.auth.signInAnonymously();
  else await supabase.auth.signInWithPassword({ email: `${how}@example.com`, password: 'password123' });
  uploader.uploader?.remove();
  await onSession();
}

$<HTMLButtonElement>('#sign-in-anonymous').addEventListener('click', () => void signIn('anonymous'));
$<HTMLButtonElement>('#sign-in-alice').addEventListener('click', () => void signIn('alice'));
$<HTMLButtonElement>('#sign-in-bob').addEventListener('click', () => void signIn('bob'));
$<HTMLButtonElement>('#sign-out').addEventListener('click', async () => {
  await supabase.auth.signOut();
  await onSession();
});

const processorForm = $<HTMLFormElement>('#processor');
async function processor(body?: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${info.url}/stack/v1/processor`, {
    method: body ? 'PUT' : 'GET',
    headers: { apikey: info.publishableKey, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const settings = await res.json();
  $<HTMLOutputElement>('#processor-state').textContent = res.ok ? `step ${settings.stepMs} ms, fail at ${settings.failAt ?? 'never'}, stall at ${settings.stallAt ?? 'never'}` : settings.message;
}
processorForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const data = new FormData(processorForm);
  void processor({
    stepMs: Number(data.get('stepMs')),
    failAt: data.get('failAt') || null,
    stallAt: data.get('stallAt') || null,
  });
});

uploader.addEventListener('v2-upload-complete', () => void renderDocuments());
await processor();
await onSession();
// The React island (hooks-only UI) loads separately so this page works without it.
await import('./react-app.js').then((m) => m.mount(supabase, $('#react-root'))).catch((error: unknown) => {
  $('#react-root').textContent = `The React UI could not load: ${String(error)}`;
});
