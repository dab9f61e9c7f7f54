// React: a UI built from the hooks (useDropzone, useUploaderState, useUpload) and the
// <V2Uploader> component, rendered into this web-components Storybook by react/react-root.tsx.
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { action } from 'storybook/actions';
import { TERMINAL_STATUSES } from '@v2-uploader/core';
import { pdfBlob } from '@v2-uploader/core/testing';
import { UploaderProvider, useUploader, V2Uploader } from '@v2-uploader/react';
import { ANON_KEY, backendHandlers, resetBackend, simulation, SUPABASE_URL } from './mocks/backend.js';
import { HooksUploader } from './react/hooks-uploader.js';
import { renderReact } from './react/react-root.js';
import { fileStates, MiB, rejections } from './support/file-states.js';
import { ScriptedUploader } from './support/scripted-uploader.js';

type Scene = 'empty' | 'every state';

interface ReactArgs {
  scene: Scene;
}

const sceneFiles = (scene: Scene) =>
  scene === 'empty'
    ? []
    : [
        fileStates.completed(), fileStates.embedding(), fileStates.uploading(0.45), fileStates.paused(), fileStates.stuck(),
        fileStates.duplicate(), rejections.typeNotAccepted(), fileStates.serverError(),
      ].map((f, i) => ({ ...f, id: `${f.id}-${i}` }));

const meta = {
  title: 'React/Hooks-built uploader',
  parameters: {
    docs: {
      description: {
        component: 'An app\'s own markup over `@v2-uploader/react`: `useDropzone` for the zone, `useUploaderState` for the list and summary, `useUpload` per row, under an `<UploaderProvider>`. The static states use a scripted store; "Live upload" uses the real `Uploader` against the simulated backend.',
      },
    },
  },
  argTypes: { scene: { control: 'inline-radio', options: ['empty', 'every state'] } },
  args: { scene: 'every state' },
  render: ({ scene }) => renderReact(
    <UploaderProvider uploader={new ScriptedUploader(sceneFiles(scene))}>
      <HooksUploader />
    </UploaderProvider>,
  ),
} satisfies Meta<ReactArgs>;

export default meta;
type Story = StoryObj<ReactArgs>;

export const Empty: Story = { args: { scene: 'empty' } };
export const EveryState: Story = {};

/** A PDF dragged over the hooks' drop zone: `isDragAccept`. */
export const DragOver: Story = {
  args: { scene: 'empty' },
  play: async ({ canvasElement }) => {
    const zone = canvasElement.querySelector<HTMLElement>('[role="button"]')!;
    const dataTransfer = new DataTransfer();
    dataTransfer.items.add(new File(['%PDF-1.7'], 'report.pdf', { type: 'application/pdf' }));
    zone.dispatchEvent(new DragEvent('dragenter', { dataTransfer, bubbles: true, cancelable: true }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (zone.dataset.drag !== 'accept') throw new Error(`The zone did not accept the drag (data-drag=${zone.dataset.drag}).`);
  },
};

/** An app's root: `useUploader` owns the real store (destroyed on unmount), the provider shares it. */
function LiveApp() {
  const uploader = useUploader({ supabaseUrl: SUPABASE_URL, supabaseKey: ANON_KEY, realtime: false });
  return (
    <UploaderProvider uploader={uploader}>
      <HooksUploader />
    </UploaderProvider>
  );
}

/**
 * The real store over the simulated backend (msw), made by `useUploader`; the hooks show it,
 * and a dropped 6 MiB PDF goes by TUS through parsing and embedding to "Ready".
 */
export const LiveUpload: Story = {
  tags: ['simulated-backend'],
  parameters: { msw: { handlers: backendHandlers } },
  render: () => {
    Object.assign(simulation, { stepMs: 150, failAt: 'none', stall: false, llamaParse: true, duplicate: false });
    resetBackend();
    return renderReact(<LiveApp />);
  },
  play: async ({ canvasElement }) => {
    const zone = canvasElement.querySelector<HTMLElement>('[role="button"]')!;
    const dataTransfer = new DataTransfer();
    // A well-formed PDF: the Uploader checks and inspects it before sending.
    dataTransfer.items.add(pdfBlob(6 * MiB, 6, 'handbook.pdf'));
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer, bubbles: true, cancelable: true }));
    const row = () => canvasElement.querySelector<HTMLElement>('li[data-status]');
    const end = Date.now() + 60_000;
    while (!TERMINAL_STATUSES.includes((row()?.dataset.status ?? 'queued') as never)) {
      if (Date.now() > end) throw new Error(`The upload did not finish (last status ${row()?.dataset.status}).`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (row()!.dataset.status !== 'completed') throw new Error(`The upload ended ${row()!.dataset.status}, expected completed.`);
  },
};

/** `<V2Uploader>`: the element as a React component, with typed `onV2…` event props. */
export const V2UploaderComponent: Story = {
  name: '<V2Uploader> component',
  render: ({ scene }) => renderReact(
    <V2Uploader uploader={new ScriptedUploader(sceneFiles(scene))} multiple theme="light" onV2FileAdded={action('v2-file-added')} onV2FileRejected={action('v2-file-rejected')} />,
  ),
};
