import type { FilesInput, Uploader, UploadFileState } from '@v2-uploader/core';
import { droppedFileCount, judgeDrag } from '@v2-uploader/core/store';
import {
  type ChangeEvent, type ClipboardEvent, type DragEvent, type HTMLAttributes, type InputHTMLAttributes, type KeyboardEvent,
  type MouseEvent, type RefObject, type SyntheticEvent, useCallback, useRef, useState,
} from 'react';
import { useResolvedUploader } from './uploader-context.js';

export interface UseDropzoneOptions {
  /** Default: the nearest provider's. */
  uploader?: Uploader;
  /** The `<input accept>` syntax; default: the uploader's `accept` option. */
  accept?: string;
  /** Several files per pick or drop (default true); a drop of several is refused when false. */
  multiple?: boolean;
  disabled?: boolean;
  /** Called with what `uploader.addFiles` returned (refused files carry a `rejection`). */
  onDrop?: (files: readonly UploadFileState[]) => void;
}

export type DropzoneRootProps = HTMLAttributes<HTMLElement>;
export type DropzoneInputProps = InputHTMLAttributes<HTMLInputElement> & { ref: RefObject<HTMLInputElement | null> };

export interface DropzoneState {
  /** Spread on the drop zone: a button by role, opened by click, Enter or Space; takes drops and pastes. */
  getRootProps(props?: DropzoneRootProps): DropzoneRootProps;
  /** Spread on an `<input>` inside the root: the hidden file picker. */
  getInputProps(props?: InputHTMLAttributes<HTMLInputElement>): DropzoneInputProps;
  isDragActive: boolean;
  isDragAccept: boolean;
  isDragReject: boolean;
  /** Opens the file picker. */
  open(): void;
}

/** Calls the user's handler first; ours runs unless theirs stopped propagation (react-dropzone's rule). */
function compose<E extends SyntheticEvent>(theirs: ((event: E) => void) | undefined, ours: (event: E) => void) {
  return (event: E) => {
    theirs?.(event);
    if (!event.isPropagationStopped()) ours(event);
  };
}

/**
 * Drop-zone behaviour for a UI of your own, in react-dropzone's style, adding what is dropped,
 * pasted or picked to the uploader.
 */
export function useDropzone(options: UseDropzoneOptions = {}): DropzoneState {
  const uploader = useResolvedUploader(options.uploader, 'useDropzone', 'useDropzone({ uploader })');
  const { accept = uploader.options.accept, multiple = true, disabled = false, onDrop } = options;
  const [drag, setDrag] = useState<'none' | 'accept' | 'reject'>('none');
  const input = useRef<HTMLInputElement | null>(null);
  // dragenter/dragleave fire for every child the pointer crosses; the zone is left when the
  // count of entries not yet left is back to zero.
  const depth = useRef(0);

  const add = useCallback(
    (files: FilesInput) => {
      // Called synchronously inside the event: a DataTransfer is unreadable once it is over.
      void uploader.addFiles(files).then((added) => onDrop?.(added));
    },
    [uploader, onDrop],
  );

  const open = useCallback(() => {
    if (!disabled) input.current?.click();
  }, [disabled]);

  const getRootProps = useCallback(
    (props: DropzoneRootProps = {}): DropzoneRootProps => ({
      role: 'button',
      tabIndex: disabled ? -1 : 0,
      'aria-disabled': disabled || undefined,
      ...props,
      onClick: compose(props.onClick, (_: MouseEvent<HTMLElement>) => open()),
      onKeyDown: compose(props.onKeyDown, (event: KeyboardEvent<HTMLElement>) => {
        // Only the zone's own keys: Enter in a text field inside it is not a request to browse.
        if (event.target !== event.currentTarget || (event.key !== 'Enter' && event.key !== ' ')) return;
        event.preventDefault(); // Space would scroll the page
        open();
      }),
      onDragEnter: compose(props.onDragEnter, (event: DragEvent<HTMLElement>) => {
        event.preventDefault();
        depth.current += 1;
        setDrag(disabled ? 'reject' : judgeDrag(event.dataTransfer, { accept, multiple }));
      }),
      onDragOver: compose(props.onDragOver, (event: DragEvent<HTMLElement>) => {
        event.preventDefault(); // without it the browser opens the file instead of dropping it here
        const judged = disabled ? 'reject' : judgeDrag(event.dataTransfer, { accept, multiple });
        if (event.dataTransfer) event.dataTransfer.dropEffect = judged === 'accept' ? 'copy' : 'none';
      }),
      onDragLeave: compose(props.onDragLeave, () => {
        depth.current = Math.max(0, depth.current - 1);
        if (depth.current === 0) setDrag('none');
      }),
      onDrop: compose(props.onDrop, (event: DragEvent<HTMLElement>) => {
        event.preventDefault();
        depth.current = 0;
        setDrag('none');
        const data = event.dataTransfer;
        if (disabled || !data) return;
        if (!multiple && droppedFileCount(data) > 1) {
          onDrop?.([]);
          return;
        }
        add(data); // the DataTransfer itself, so dropped folders are walked
      }),
      onPaste: compose(props.onPaste, (event: ClipboardEvent<HTMLElement>) => {
        const files = event.clipboardData?.files;
        if (disabled || !files || files.length === 0) return;
        event.preventDefault(); // files only: pasted text goes where it always goes
        add(multiple ? [...files] : [...files].slice(0, 1));
      }),
    }),
    [disabled, accept, multiple, open, add, onDrop],
  );

  const getInputProps = useCallback(
    (props: InputHTMLAttributes<HTMLInputElement> = {}): DropzoneInputProps => ({
      type: 'file',
      accept,
      multiple,
      disabled,
      tabIndex: -1, // the root is the control; the input is only the picker behind it
      style: { display: 'none' },
      ...props,
      ref: input,
      onChange: compose(props.onChange, (event: ChangeEvent<HTMLInputElement>) => {
        const picker = event.currentTarget;
        if (picker.files && picker.files.length > 0) add([...picker.files]);
        picker.value = ''; // so picking the same file again is a change again
      }),
      // The input sits inside the root: its click must not reach the root and open it again.
      onClick: compose(props.onClick, (event: MouseEvent<HTMLInputElement>) => event.stopPropagation()),
    }),
    [accept, multiple, disabled, add],
  );

  return { getRootProps, getInputProps, isDragActive: drag !== 'none', isDragAccept: drag === 'accept', isDragReject: drag === 'reject', open };
}
