// One upload from the drop to "embedded", through the real core: hashing in its worker,
// upload-handler over fetch, the bytes by one signed PUT (XMLHttpRequest) or TUS
// (tus-js-client), progress reports, and polling progress-tracker through the pipeline. Only
// the backend is simulated (src/mocks/backend.ts, answered by msw's service worker).
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { TERMINAL_STATUSES, Uploader, type UploadFileState } from '@v2-uploader/core';
import { pdfBlob } from '@v2-uploader/core/testing';
import type { V2UploaderElement } from '@v2-uploader/elements';
import { html } from 'lit';
import { addons } from 'storybook/preview-api';
import { UPDATE_STORY_ARGS } from 'storybook/internal/core-events';
import { ANON_KEY, backendHandlers, type FailAt, resetBackend, simulation, SUPABASE_URL } from './mocks/backend.js';
import { MiB } from './support/file-states.js';

interface WholeUploadArgs {
  /** Milliseconds per step (one TUS chunk, a fifth of a PUT, one processing step). */
  stepMs: number;
  failAt: FailAt;
  stall: boolean;
  llamaParse: boolean;
  duplicate: boolean;
  fileSize: 'small' | 'large';
  theme: 'light' | 'dark' | 'auto';
  locale: string;
}

/**
 * The core's default (15 s) is right for real networks; the demo's stall should show within a
 * few seconds of pressing the control.
 */
const STALL_TIMEOUT_MS = 3000;

/** A well-formed PDF (the Uploader checks and inspects it before sending): the core's test document. */
function demoPdf(name: string, size: number): File {
  return pdfBlob(size, size, name);
}

/** One element and store per story view, kept across args changes so controls act on a running upload. */
let current: { element: V2UploaderElement; uploader: Uploader } | undefined;

function mount(args: WholeUploadArgs): V2UploaderElement {
  Object.assign(simulation, { stepMs: args.stepMs, failAt: args.failAt, stall: args.stall, llamaParse: args.llamaParse, duplicate: args.duplicate });
  if (!current) {
    const element = document.createElement('v2-uploader');
    // The real store, as the element would make it from supabase-url + anon-key, with a shorter
    // stall timeout for the demo. `realtime: false`: progress comes from polling progress-tracker.
    const uploader = new Uploader({ supabaseUrl: SUPABASE_URL, supabaseKey: ANON_KEY, realtime: false, stallTimeoutMs: STALL_TIMEOUT_MS });
    element.multiple = true;
    element.realtime = false;
    element.uploader = uploader;
    current = { element, uploader };
  }
  current.element.theme = args.theme;
  current.element.locale = args.locale;
  return current.element;
}

/** Drop `files` on the drop zone, as a person would (the element reads the drop's DataTransfer). */
function drop(element: V2UploaderElement, files: File[]): void {
  const dataTransfer = new DataTransfer();
  for (const file of files) dataTransfer.items.add(file);
  const zone = element.shadowRoot!.querySelector('[part~="dropzone"]')!;
  for (const type of ['dragenter', 'dragover', 'drop']) {
    zone.dispatchEvent(new DragEvent(type, { dataTransfer, bubbles: true, composed: true, cancelable: true }));
  }
}

const settled = (f: UploadFileState | undefined) => f !== undefined && TERMINAL_STATUSES.includes(f.status);

/** Change the story's args from its play function, as the Controls panel would (the panel follows). */
function setArgs(storyId: string, updatedArgs: Partial<WholeUploadArgs>): void {
  addons.getChannel().emit(UPDATE_STORY_ARGS, { storyId, updatedArgs });
}

/** Wait until `check()` holds, or fail the play function saying what did not happen. */
async function until(check: () => boolean, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`Timed out waiting until ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The file's state now, and every status it has had (the store notifies on each change). */
function watch(uploader: Uploader) {
  const seen: string[] = [];
  const unsubscribe = uploader.subscribe(() => {
    const status = uploader.getSnapshot().files[0]?.status;
    if (status && seen.at(-1) !== status) seen.push(status);
  });
  return { seen, file: () => uploader.getSnapshot().files[0], stop: unsubscribe };
}

/** The status a run with these args ends in. */
function expectedEnd(args: WholeUploadArgs): 'completed' | 'failed' | 'duplicate' {
  if (args.duplicate) return 'duplicate';
  return args.failAt === 'upload' || args.failAt === 'parsing' || args.failAt === 'embedding' ? 'failed' : 'completed';
}

interface PlayContext {
  args: WholeUploadArgs;
  canvasElement: HTMLElement;
  id: string;
}

/**
 * Start over with one dropped file; `during` may act while it runs (toggle a control). Then
 * wait for the end the args promise and check the statuses it went through.
 */
async function playUpload(context: PlayContext, through: string[] = [], during?: (w: ReturnType<typeof watch>) => Promise<void>) {
  // The args as the run starts (Storybook updates the context's object when a control changes).
  const args = { ...context.args };
  const { canvasElement } = context;
  const element = canvasElement.querySelector('v2-uploader')!;
  const { uploader } = current!;
  await element.updateComplete;
  uploader.remove();
  resetBackend();
  const w = watch(uploader);
  try {
    const size = args.fileSize === 'large' ? 12 * MiB : 1 * MiB;
    drop(element, [demoPdf(args.fileSize === 'large' ? 'site-survey-2026.pdf' : 'meeting-minutes.pdf', size)]);
    await during?.(w);
    // A run started stalled stays stalled: nothing to wait for (the controls take over).
    if (args.stall) return;
    await until(() => settled(w.file()), 'the file settles', 60_000);
    const end = w.file()!.status;
    // The store notifies once per frame: the last change may not have reached the watcher yet.
    if (w.seen.at(-1) !== end) w.seen.push(end);
    if (end !== expectedEnd(args)) throw new Error(`The file ended ${end}, expected ${expectedEnd(args)} (went through ${w.seen.join(' → ')}).`);
    const missing = through.filter((s) => !w.seen.includes(s));
    if (missing.length) throw new Error(`The file never was ${missing.join(', ')} (went through ${w.seen.join(' → ')}).`);
  } finally {
    w.stop();
  }
}

const meta = {
  title: 'Simulated backend/Whole upload',
  component: 'v2-uploader',
  tags: ['!autodocs', 'simulated-backend'],
  parameters: {
    msw: { handlers: backendHandlers },
    docs: {
      description: {
        component: 'The real `Uploader` over HTTP, against a backend simulated with msw. Change the controls while it runs: `stall` freezes the upload (the row turns "Connection stalled") or the processing (the server soon calls it stuck); `failAt` breaks it at that point. Remount (the toolbar button) plays it again.',
      },
    },
  },
  argTypes: {
    stepMs: { control: { type: 'range', min: 50, max: 3000, step: 50 }, description: 'Milliseconds per step: one TUS chunk (1 MiB), a fifth of a PUT, one processing step (at least 500 ms, so polling sees every stage).' },
    failAt: {
      control: 'select',
      options: ['none', 'upload', 'upload-flaky', 'parsing', 'embedding'] satisfies FailAt[],
      description: '`upload`: Storage refuses the bytes (413). `upload-flaky`: two 503s mid-upload, then it recovers. `parsing`/`embedding`: the server fails the document half way through.',
    },
    stall: { control: 'boolean', description: 'Nothing moves while on.' },
    llamaParse: { control: 'boolean', description: 'parsing → embedding when on; one "processing" stage when off.' },
    duplicate: { control: 'boolean', description: 'The server already has this file (takes effect on the next upload).' },
    fileSize: {
      control: 'inline-radio',
      options: ['small', 'large'],
      description: '`small`: 1 MiB, one signed PUT. `large`: 12 MiB, TUS in 1 MiB chunks.',
    },
    theme: { control: 'inline-radio', options: ['light', 'dark', 'auto'] },
    locale: { control: 'select', options: ['en', 'de', 'ar'] },
  },
  args: { stepMs: 150, failAt: 'none', stall: false, llamaParse: true, duplicate: false, fileSize: 'large', theme: 'light', locale: 'en' },
  render: (args) => html`${mount(args)}`,
  play: (context) => playUpload(context, ['hashing', 'initializing']),
} satisfies Meta<WholeUploadArgs>;

export default meta;
type Story = StoryObj<WholeUploadArgs>;

/** TUS in 1 MiB chunks, then parsing and embedding, to "Done". */
export const DropToEmbedded: Story = {
  play: (context) => playUpload(context, ['hashing', 'initializing', 'uploading', 'parsing', 'embedding', 'completed']),
};

/** A 1 MiB file: one signed PUT with XMLHttpRequest. */
export const SmallFileByPut: Story = { args: { fileSize: 'small' } };

/** Without LlamaParse the server has one stage: processing. */
export const WithoutLlamaParse: Story = {
  args: { llamaParse: false },
  play: (context) => playUpload(context, ['uploading', 'processing', 'completed']),
};

/** Storage answers 503 twice: the row counts down to each retry, then the upload resumes where it was. */
export const FlakyStorage: Story = {
  args: { failAt: 'upload-flaky' },
  tags: ['expects-http-errors'],
  play: (context) => playUpload(context, ['uploading', 'retrying', 'completed']),
};

/** The connection stalls a third of the way in (the `stall` control turns on), then recovers. */
export const StallMidUpload: Story = {
  play: (context) => playUpload(context, ['uploading', 'stalled', 'completed'], async (w) => {
    await until(() => (w.file()?.bytesSent ?? 0) > (w.file()?.size ?? 1) / 3, 'a third is uploaded');
    setArgs(context.id, { stall: true });
    await until(() => w.file()?.status === 'stalled', 'the row shows the stall', STALL_TIMEOUT_MS + 10_000);
    setArgs(context.id, { stall: false });
  }),
};

/** Parsing stands still until the server calls the document stuck, then moves on. */
export const StuckWhileParsing: Story = {
  play: (context) => playUpload(context, ['parsing', 'completed'], async (w) => {
    await until(() => w.file()?.status === 'parsing', 'parsing starts');
    setArgs(context.id, { stall: true });
    await until(() => w.file()?.stuck === true, 'the row says stuck');
    setArgs(context.id, { stall: false });
  }),
};

/** Storage refuses the bytes for good (413, the bucket's size limit): the row fails with what to do. */
export const StorageRefuses: Story = {
  args: { failAt: 'upload' },
  tags: ['expects-http-errors'],
};

/** Parsing fails half way: the server's message and a Retry button. */
export const ParsingFails: Story = { args: { failAt: 'parsing' } };

/** Embedding fails half way. */
export const EmbeddingFails: Story = { args: { failAt: 'embedding' } };

/** The server already has the file: nothing is sent. */
export const AlreadyUploaded: Story = {
  args: { duplicate: true },
  play: (context) => playUpload(context, ['hashing', 'duplicate']),
};
