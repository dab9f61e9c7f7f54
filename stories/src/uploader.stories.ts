// `<v2-uploader>` in every state a person can see. The element renders from an injected store
// (its `uploader` property) whose snapshot the story sets (support/scripted-uploader.ts): the
// same controller, rows, summary and announcements as in an app, with nothing sent anywhere.
// Row buttons work (through core's reducer) and dropped files are validated for real.
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import type { UploadFileState } from '@v2-uploader/core';
import type { V2UploaderElement } from '@v2-uploader/elements';
import { html } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { fileStates, inspectedStates, manyFiles, MiB, rejections } from './support/file-states.js';
import { ScriptedUploader } from './support/scripted-uploader.js';

/** Seconds until the retrying file tries again (counted down live by the element). */
const RETRY_IN_MS = 45_000;

const scenes = {
  empty: () => [],
  hashing: () => [fileStates.hashing(), fileStates.initializing()],
  uploading: () => [fileStates.uploading(0.05), fileStates.uploading(0.45), fileStates.uploading(0.9)],
  paused: () => [fileStates.paused(), fileStates.uploading(0.6)],
  stalled: () => [fileStates.stalled()],
  retrying: () => [fileStates.retrying(Date.now() + RETRY_IN_MS)],
  'processing stages': () => [fileStates.uploaded(), fileStates.processing(), fileStates.parsing(), fileStates.embedding()].map(unique),
  stuck: () => [fileStates.stuck(), fileStates.completed()],
  duplicate: () => [fileStates.duplicate()],
  'validation errors': () => Object.values(rejections).map((make) => make()),
  'server errors': () => [fileStates.serverError(), fileStates.sessionEnded(), fileStates.offline(), fileStates.processingFailed()].map(unique),
  completed: () => [fileStates.completed(), fileStates.duplicate()].map(unique),
  cancelled: () => [fileStates.cancelled()],
  mixed: () => [fileStates.completed(), fileStates.embedding(), fileStates.uploading(0.45), fileStates.retrying(Date.now() + RETRY_IN_MS), rejections.typeNotAccepted(), fileStates.serverError()].map(unique),
  'many files': () => manyFiles(Date.now() + RETRY_IN_MS),
  /** What inspection found (issue 20): facts, notices, and what it refused before any byte was sent. */
  'inspected documents': () => Object.values(inspectedStates).map((make) => make()),
  /** A step that reports nothing measurable yet: the bar is indeterminate (animated). */
  'indeterminate': () => [fileStates.checking(), fileStates.uploading(0.45)],
} satisfies Record<string, () => UploadFileState[]>;

/** Rows are keyed by id: scenes that reuse a file give each copy its own. */
function unique(file: UploadFileState, index: number): UploadFileState {
  return { ...file, id: `${file.id}-${index}` };
}

type Scene = keyof typeof scenes;

interface UploaderArgs {
  scene: Scene;
  theme: 'light' | 'dark' | 'auto';
  /** Empty: the page's `lang` (then the browser's). */
  locale: '' | 'en' | 'de' | 'ar';
  multiple: boolean;
  disabled: boolean;
  accept: string | undefined;
  maxFileSize: number | undefined;
}

const meta = {
  title: 'Components/Uploader',
  component: 'v2-uploader',
  parameters: {
    docs: {
      description: {
        component: 'A drop-in document uploader. These stories inject a store whose snapshot is scripted, so every state shows without a backend; see "Simulated backend / Whole upload" for the real thing over mocked HTTP.',
      },
    },
  },
  argTypes: {
    scene: { control: 'select', options: Object.keys(scenes), description: 'Which files the store holds (states from core\'s reducer).' },
    theme: { control: 'inline-radio', options: ['light', 'dark', 'auto'] },
    locale: { control: 'inline-radio', options: ['', 'en', 'de', 'ar'] },
    multiple: { control: 'boolean' },
    disabled: { control: 'boolean' },
    accept: { control: 'text' },
    maxFileSize: { control: 'number' },
  },
  args: { scene: 'mixed', theme: 'light', locale: '', multiple: true, disabled: false, accept: undefined, maxFileSize: undefined },
  render: (args) => html`<v2-uploader
    .uploader=${new ScriptedUploader(scenes[args.scene]())}
    theme=${args.theme}
    locale=${args.locale}
    ?multiple=${args.multiple}
    ?disabled=${args.disabled}
    accept=${ifDefined(args.accept)}
    max-file-size=${ifDefined(args.maxFileSize)}
  ></v2-uploader>`,
} satisfies Meta<UploaderArgs>;

export default meta;
type Story = StoryObj<UploaderArgs>;

const scene = (name: Scene): Story => ({ args: { scene: name } });


/** Drag `files` over the drop zone (the element judges them by type and count while dragging). */
async function dragOver(canvas: HTMLElement, files: File[]): Promise<void> {
  const element = canvas.querySelector<V2UploaderElement>('v2-uploader')!;
  await element.updateComplete;
  const dataTransfer = new DataTransfer();
  for (const file of files) dataTransfer.items.add(file);
  const zone = element.shadowRoot!.querySelector('[part~="dropzone"]')!;
  for (const type of ['dragenter', 'dragover']) {
    zone.dispatchEvent(new DragEvent(type, { dataTransfer, bubbles: true, composed: true, cancelable: true }));
  }
  await element.updateComplete;
}

export const Empty = scene('empty');

/** A PDF dragged over the drop zone: "Drop to upload". */
export const DragOverAccept: Story = {
  ...scene('empty'),
  name: 'Drag over (accept)',
  play: ({ canvasElement }) => dragOver(canvasElement, [new File(['%PDF-1.7'], 'report.pdf', { type: 'application/pdf' })]),
};

/** An image dragged over a drop zone that takes documents: the refusal shows before the drop. */
export const DragOverReject: Story = {
  ...scene('empty'),
  name: 'Drag over (reject: type)',
  play: ({ canvasElement }) => dragOver(canvasElement, [new File(['png'], 'holiday.png', { type: 'image/png' })]),
};

/** Two files over an uploader that takes one. */
export const DragOverRejectCount: Story = {
  args: { scene: 'empty', multiple: false },
  name: 'Drag over (reject: one file only)',
  play: ({ canvasElement }) => dragOver(canvasElement, [
    new File(['%PDF-1.7'], 'a.pdf', { type: 'application/pdf' }),
    new File(['%PDF-1.7'], 'b.pdf', { type: 'application/pdf' }),
  ]),
};

export const Disabled: Story = { args: { scene: 'empty', disabled: true } };
export const Hashing = scene('hashing');
/** 5 %, 45 % and 90 % of the bytes, with speed and time left. */
export const Uploading = scene('uploading');
export const Paused = scene('paused');
export const Stalled = scene('stalled');
/** After a dropped connection: the countdown to the next attempt moves every second. */
export const Retrying = scene('retrying');
/** Uploaded, then `processing` (without LlamaParse) or `parsing` → `embedding` (with it). */
export const ProcessingStages = scene('processing stages');
export const Stuck = scene('stuck');
export const Duplicate = scene('duplicate');
/** Every refusal validation gives, before any request. */
export const ValidationErrors = scene('validation errors');
/** Storage failing after its retries, an ended session, no network, a document the server could not process. */
export const ServerErrors = scene('server errors');
export const Completed = scene('completed');
export const Cancelled = scene('cancelled');
/** Twenty-four files: the list, the summary and the density of rows. */
export const ManyFiles = scene('many files');

export const Narrow: Story = {
  ...scene('mixed'),
  name: 'Narrow (320px, phone)',
  parameters: { surface: { width: '320px' } },
  globals: { viewport: { value: 'mobile1', isRotated: false } },
};

export const DarkTheme: Story = {
  args: { scene: 'mixed', theme: 'dark' },
  parameters: { surface: { theme: 'dark' } },
};

/**
 * `theme="dark"` on a light page (and the other way round): an explicit theme paints its own
 * background, so the summary and hints keep their contrast whatever the page is (axe checks).
 */
export const DarkThemeOnLightPage: Story = {
  args: { scene: 'mixed', theme: 'dark' },
  parameters: { surface: { theme: 'light' } },
  name: 'Dark theme on a light page',
};

export const LightThemeOnDarkPage: Story = {
  args: { scene: 'mixed', theme: 'light' },
  parameters: { surface: { theme: 'dark' } },
  name: 'Light theme on a dark page',
};

/** `theme="auto"` follows the system: on a dark system this is the dark theme. */
export const AutoTheme: Story = { args: { scene: 'mixed', theme: 'auto' } };

/** Right to left: the layout mirrors through logical CSS properties; numbers through Intl. */
export const Arabic: Story = { args: { scene: 'mixed', locale: 'ar' }, name: 'Arabic (RTL)' };

/** No `locale`: the element takes the page's `lang` (here `de`). */
export const German: Story = {
  args: { scene: 'mixed', locale: '' },
  parameters: { surface: { lang: 'de' } },
  name: 'German (from the page lang)',
};

/**
 * Under `prefers-reduced-motion: reduce` the indeterminate bar stands still and nothing
 * transitions. Storybook cannot switch that media feature: in Chrome use DevTools → Rendering →
 * "Emulate CSS media feature prefers-reduced-motion". The Storybook test opens this story with
 * the emulation on and checks that no animation runs.
 */
export const ReducedMotion: Story = {
  ...scene('indeterminate'),
  name: 'Reduced motion',
  tags: ['reduced-motion'],
};

/** The CSS custom properties and parts, restyled by a page. */
export const CustomTheme: Story = {
  ...scene('mixed'),
  decorators: [
    (story) => html`<style>
        .branded v2-uploader {
          --v2-accent: #15803d;
          --v2-radius: 0;
          --v2-border-color: #15803d;
          --v2-font: Georgia, serif;
        }
        .branded v2-uploader::part(dropzone) { min-block-size: 10rem; border-style: solid; }
        .branded v2-uploader::part(item) { --v2-item-radius: 0; --v2-progress-color: #15803d; }
      </style>
      <div class="branded">${story()}</div>`,
  ],
};

/** In a form: `name` submits the completed document ids, `required` needs one. */
export const InAForm: Story = {
  args: { scene: 'completed' },
  render: (args) => html`<form @submit=${(e: SubmitEvent) => e.preventDefault()}>
    <v2-uploader .uploader=${new ScriptedUploader(scenes[args.scene]())} name="documents" required theme=${args.theme} multiple></v2-uploader>
    <p><button type="submit">Save</button></p>
  </form>`,
};

/**
 * Every document inspection looked into: pages and words beside the size, a scan and an unusual
 * encoding as warnings, and the refusals (password, damage, macros, binary text, too many pages,
 * the app's own rule).
 */
export const InspectedDocuments = scene('inspected documents');

/** The sizes the hint states come from the attributes. */
export const CustomLimits: Story = {
  args: { scene: 'empty', accept: '.pdf,application/pdf', maxFileSize: 10 * MiB },
  name: 'Custom limits (PDF, 10 MB)',
};
