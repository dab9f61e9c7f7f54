// `<v2-uploader>` written directly in React 19 JSX, typed. React 19 passes a prop to a custom
// element as a property when the element has one (`supabase`, `uploader`), as an attribute
// otherwise (the kebab-case names), and binds a function prop named `on` + the event's exact
// name (`onv2-upload-complete`) as a listener. React 18 does none of that: use <V2Uploader>.
// Importing anything from '@v2-uploader/react' brings this declaration into the program.
import type { AnySupabaseClient, DocumentRules, Inspector, Uploader, UploaderOptions } from '@v2-uploader/core';
import type {
  V2AllCompleteEvent, V2FileAddedEvent, V2FileRejectedEvent, V2ProcessingCompleteEvent, V2ProcessingProgressEvent,
  V2UploadCompleteEvent, V2UploaderElement, V2UploadErrorEvent, V2UploadProgressEvent, V2UploadStartEvent,
} from '@v2-uploader/elements';
import type { DetailedHTMLProps, HTMLAttributes } from 'react';

type Flag = boolean | '' | 'true' | 'false';

/** The props of `<v2-uploader>` in JSX: its attributes as written in HTML, its properties, its events. */
export interface V2UploaderJsxProps extends DetailedHTMLProps<HTMLAttributes<V2UploaderElement>, V2UploaderElement> {
  'supabase-url'?: string;
  'anon-key'?: string;
  /** Sign in anonymously when the client has no session (projects that allow anonymous sign-ins). */
  'anonymous-sign-in'?: Flag;
  accept?: string;
  'max-file-size'?: number | string;
  'max-files'?: number | string;
  multiple?: Flag;
  'auto-upload'?: Flag;
  'chunk-size'?: number | string;
  /** Most pages a document may have; longer ones are refused before any byte is sent. */
  'max-pages'?: number | string;
  realtime?: Flag;
  locale?: string;
  disabled?: Flag;
  name?: string;
  required?: Flag;
  theme?: V2UploaderElement['theme'];
  thumbnails?: Flag;
  /** The app's client with its session (set as the element's property by React 19). */
  supabase?: AnySupabaseClient;
  /** The store behind the element (set as its property by React 19). */
  uploader?: Uploader;
  /** What inspection refuses (set as the element's property by React 19). */
  documentRules?: Partial<DocumentRules>;
  /** The app's own rule after inspection (set as the element's property by React 19). */
  validateDocument?: UploaderOptions['validateDocument'];
  /** Looks inside documents before they are sent (set as the element's property by React 19). */
  inspector?: Inspector;
  class?: string;
  'onv2-file-added'?: (event: V2FileAddedEvent) => void;
  'onv2-file-rejected'?: (event: V2FileRejectedEvent) => void;
  'onv2-upload-start'?: (event: V2UploadStartEvent) => void;
  'onv2-upload-progress'?: (event: V2UploadProgressEvent) => void;
  'onv2-upload-complete'?: (event: V2UploadCompleteEvent) => void;
  'onv2-upload-error'?: (event: V2UploadErrorEvent) => void;
  'onv2-processing-progress'?: (event: V2ProcessingProgressEvent) => void;
  'onv2-processing-complete'?: (event: V2ProcessingCompleteEvent) => void;
  'onv2-all-complete'?: (event: V2AllCompleteEvent) => void;
}

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'v2-uploader': V2UploaderJsxProps;
    }
  }
}
