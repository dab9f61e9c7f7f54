// `<v2-upload-item>`: one row per file state. Each file is walked into its state by core's
// reducer (support/file-states.ts), so what a row shows here is what the uploader can show.
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import type { UploadFileState } from '@v2-uploader/core';
import { resolveLocale } from '@v2-uploader/elements';
import { html } from 'lit';
import { withActions } from 'storybook/actions/decorator';
import { fileStates, inspectedStates, rejections } from './support/file-states.js';

/** A fixed clock, so "trying again in 12 s" reads the same on every run. */
const NOW = Date.UTC(2026, 10, 28, 9, 5, 0);

const states = {
  queued: fileStates.queued,
  checking: fileStates.checking,
  hashing: fileStates.hashing,
  initializing: fileStates.initializing,
  'uploading 5%': () => fileStates.uploading(0.05),
  'uploading 45%': () => fileStates.uploading(0.45),
  'uploading 90%': () => fileStates.uploading(0.9),
  paused: fileStates.paused,
  stalled: fileStates.stalled,
  retrying: () => fileStates.retrying(NOW + 12_000),
  uploaded: fileStates.uploaded,
  processing: fileStates.processing,
  parsing: fileStates.parsing,
  embedding: fileStates.embedding,
  stuck: fileStates.stuck,
  duplicate: fileStates.duplicate,
  completed: fileStates.completed,
  cancelled: fileStates.cancelled,
  'server error': fileStates.serverError,
  'session ended': fileStates.sessionEnded,
  offline: fileStates.offline,
  'processing failed': fileStates.processingFailed,
  'too large': rejections.tooLarge,
  'too small': rejections.tooSmall,
  empty: rejections.empty,
  'too many files': rejections.tooMany,
  'total too large': rejections.totalTooLarge,
  'type not accepted': rejections.typeNotAccepted,
  'content mismatch': rejections.contentMismatch,
  'invalid name': rejections.invalidName,
  'PDF with text (12 pages)': inspectedStates.pdfWithText,
  'scanned PDF (OCR)': inspectedStates.scannedPdf,
  'Word document (pages, words)': inspectedStates.docx,
  'text, unusual encoding': inspectedStates.unusualEncoding,
  'password-protected PDF': inspectedStates.passwordProtected,
  'damaged PDF': inspectedStates.damagedPdf,
  'macro-enabled Word document': inspectedStates.macroDocx,
  'binary .txt': inspectedStates.binaryTxt,
  'too many pages': inspectedStates.tooManyPages,
  "refused by the app's rule": inspectedStates.refusedByApp,
} satisfies Record<string, () => UploadFileState>;

type State = keyof typeof states;

interface RowArgs {
  state: State;
  theme: 'light' | 'dark' | 'auto';
  locale: 'en' | 'de' | 'ar';
}

const meta = {
  title: 'Components/Upload item',
  component: 'v2-upload-item',
  decorators: [withActions],
  parameters: {
    docs: {
      description: {
        component: 'One file of the list. A pure view of an `UploadFileState`: its buttons only dispatch `v2-item-action` (see the Actions panel); `<v2-uploader>` calls the store.',
      },
    },
    actions: { handles: ['v2-item-action'] },
  },
  argTypes: {
    state: { control: 'select', options: Object.keys(states), description: 'The file state to show (from core\'s reducer).' },
    theme: { control: 'inline-radio', options: ['light', 'dark', 'auto'] },
    locale: { control: 'inline-radio', options: ['en', 'de', 'ar'] },
  },
  args: { state: 'uploading 45%', theme: 'light', locale: 'en' },
  render: ({ state, theme, locale }) => html`<v2-upload-item
    .file=${states[state]()}
    .locale=${resolveLocale(locale)}
    .now=${NOW}
    theme=${theme}
  ></v2-upload-item>`,
} satisfies Meta<RowArgs>;

export default meta;
type Story = StoryObj<RowArgs>;

const at = (state: State): Story => ({ args: { state } });

export const Queued = at('queued');
export const Checking = at('checking');
export const Hashing = at('hashing');
export const Starting = at('initializing');
export const Uploading5 = { ...at('uploading 5%'), name: 'Uploading 5%' };
export const Uploading45 = { ...at('uploading 45%'), name: 'Uploading 45%' };
export const Uploading90 = { ...at('uploading 90%'), name: 'Uploading 90%' };
export const Paused = at('paused');
export const Stalled = at('stalled');
export const Retrying = at('retrying');
export const Uploaded = at('uploaded');
/** Without LlamaParse the server has one stage, `processing`. */
export const Processing = at('processing');
/** With LlamaParse: parsing fills the first half of the processing share… */
export const Parsing = at('parsing');
/** …and embedding the second. */
export const Embedding = at('embedding');
/** No progress on the server for over 30 minutes. */
export const Stuck = at('stuck');
export const Duplicate = at('duplicate');
export const Completed = at('completed');
export const Cancelled = at('cancelled');
export const ServerError = at('server error');
export const SessionEnded = at('session ended');
export const Offline = at('offline');
export const ProcessingFailed = at('processing failed');
export const TooLarge = at('too large');
export const TooSmall = at('too small');
export const Empty = at('empty');
export const TooManyFiles = at('too many files');
export const TotalTooLarge = at('total too large');
export const TypeNotAccepted = at('type not accepted');
export const ContentMismatch = at('content mismatch');
export const InvalidName = at('invalid name');

// What inspection found before any byte was sent (issue 20): facts beside the size, notices as
// warnings, and its refusals (the core's texts; only "remove", as for every refusal).
export const PdfWithText = { ...at('PDF with text (12 pages)'), name: 'PDF with text (pages)' };
/** Image-only pages: accepted, with a warning that the text will be recognised (OCR). */
export const ScannedPdf = { ...at('scanned PDF (OCR)'), name: 'Scanned PDF (OCR notice)' };
export const WordPagesAndWords = { ...at('Word document (pages, words)'), name: 'Word document (pages and words)' };
export const UnusualEncoding = { ...at('text, unusual encoding'), name: 'Text file, unusual encoding' };
export const PasswordProtected = { ...at('password-protected PDF'), name: 'Refused: password-protected PDF' };
export const DamagedPdf = { ...at('damaged PDF'), name: 'Refused: damaged PDF' };
export const MacroDocx = { ...at('macro-enabled Word document'), name: 'Refused: macro-enabled Word document' };
export const BinaryTxt = { ...at('binary .txt'), name: 'Refused: binary .txt' };
/** `<v2-uploader max-pages="300">` and a 1,240-page PDF. */
export const TooManyPages = { ...at('too many pages'), name: 'Refused: too many pages' };
/** The app's `validateDocument` said no, in its own words. */
export const RefusedByApp = { ...at("refused by the app's rule"), name: "Refused by the app's rule" };
export const ScannedPdfGerman: Story = { args: { state: 'scanned PDF (OCR)', locale: 'de' }, name: 'Scanned PDF (German)' };
export const WordArabic: Story = { args: { state: 'Word document (pages, words)', locale: 'ar' }, name: 'Word document (Arabic)' };

export const DarkTheme: Story = {
  args: { state: 'retrying', theme: 'dark' },
  parameters: { surface: { theme: 'dark' } },
};
export const Arabic: Story = { args: { state: 'uploading 45%', locale: 'ar' }, name: 'Arabic (RTL)' };
export const German: Story = { args: { state: 'stuck', locale: 'de' } };
export const Narrow: Story = {
  args: { state: 'server error' },
  parameters: { surface: { width: '320px' } },
  name: 'Narrow (320px)',
};
