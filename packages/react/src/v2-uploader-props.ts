import type { AnySupabaseClient, DocumentRules, Inspector, Uploader, UploaderOptions } from '@v2-uploader/core';
import type {
  V2AllCompleteEvent, V2FileAddedEvent, V2FileRejectedEvent, V2ProcessingCompleteEvent, V2ProcessingProgressEvent,
  V2UploadCompleteEvent, V2UploaderElement, V2UploadErrorEvent, V2UploadProgressEvent, V2UploadStartEvent,
} from '@v2-uploader/elements';
import type { CSSProperties, HTMLAttributes, ReactNode } from 'react';

/** The element's attributes, camelCased (see the `@v2-uploader/elements` README for each). */
export interface V2UploaderAttributeProps {
  supabaseUrl?: string;
  anonKey?: string;
  /** Sign in anonymously when the client has no session, once, before the first upload (projects that allow anonymous sign-ins). */
  anonymousSignIn?: boolean;
  accept?: string;
  maxFileSize?: number;
  maxFiles?: number;
  multiple?: boolean;
  autoUpload?: boolean;
  chunkSize?: number;
  /** Most pages a document may have; longer ones are refused before any byte is sent (`max-pages`). */
  maxPages?: number;
  realtime?: boolean;
  locale?: string;
  disabled?: boolean;
  name?: string;
  required?: boolean;
  theme?: V2UploaderElement['theme'];
  thumbnails?: boolean;
}

/** One handler per `v2-*` event, typed with the element's event classes. */
export interface V2UploaderEventProps {
  onV2FileAdded?: (event: V2FileAddedEvent) => void;
  onV2FileRejected?: (event: V2FileRejectedEvent) => void;
  onV2UploadStart?: (event: V2UploadStartEvent) => void;
  onV2UploadProgress?: (event: V2UploadProgressEvent) => void;
  onV2UploadComplete?: (event: V2UploadCompleteEvent) => void;
  onV2UploadError?: (event: V2UploadErrorEvent) => void;
  onV2ProcessingProgress?: (event: V2ProcessingProgressEvent) => void;
  onV2ProcessingComplete?: (event: V2ProcessingCompleteEvent) => void;
  onV2AllComplete?: (event: V2AllCompleteEvent) => void;
}

export interface V2UploaderOwnProps extends V2UploaderAttributeProps, V2UploaderEventProps {
  /** The app's client, signed in (set as the element's property); default: the nearest provider's. Uploads need a signed-in user. */
  supabase?: AnySupabaseClient;
  /** The store behind the element (set as its property); default: the nearest provider's, else the element makes one. */
  uploader?: Uploader;
  /** What inspection refuses (set as the element's property): passwords, damage, macros, binary text, `maxPages`. */
  documentRules?: Partial<DocumentRules>;
  /** The app's own rule after inspection (set as the element's property): return a message to refuse the file. */
  validateDocument?: UploaderOptions['validateDocument'];
  /** Looks inside documents before they are sent (set as the element's property). */
  inspector?: Inspector;
  className?: string;
  style?: CSSProperties;
  /** Slotted content: `<span slot="hint">…</span>`, `<svg slot="icon">…</svg>`. */
  children?: ReactNode;
}

export type V2UploaderProps = V2UploaderOwnProps & Omit<HTMLAttributes<V2UploaderElement>, keyof V2UploaderOwnProps>;

/** Event prop → event type. Listeners are added by hand: React 18 binds no custom events. */
export const EVENT_PROPS = {
  onV2FileAdded: 'v2-file-added',
  onV2FileRejected: 'v2-file-rejected',
  onV2UploadStart: 'v2-upload-start',
  onV2UploadProgress: 'v2-upload-progress',
  onV2UploadComplete: 'v2-upload-complete',
  onV2UploadError: 'v2-upload-error',
  onV2ProcessingProgress: 'v2-processing-progress',
  onV2ProcessingComplete: 'v2-processing-complete',
  onV2AllComplete: 'v2-all-complete',
} as const satisfies Record<keyof V2UploaderEventProps, string>;

/**
 * The attributes to render, identical for React 18 and 19 and on the server. Values are strings
 * or `true`: React 18 writes `false` on a custom element as the text "false", which a boolean
 * attribute reads as on, so off is "no attribute". Kebab-case names are never element
 * properties, so React 19 sets them as attributes too. The default-on booleans take the text
 * "false" to turn off, as the element's attributes do.
 */
export function toAttributes(props: V2UploaderAttributeProps): Record<string, string | true | undefined> {
  const text = (value: number | string | undefined) => (value === undefined ? undefined : String(value));
  const flag = (value: boolean | undefined) => (value ? true : undefined);
  const offFlag = (value: boolean | undefined) => (value === false ? 'false' : undefined);
  return {
    'supabase-url': props.supabaseUrl,
    'anon-key': props.anonKey,
    'anonymous-sign-in': flag(props.anonymousSignIn),
    accept: props.accept,
    'max-file-size': text(props.maxFileSize),
    'max-files': text(props.maxFiles),
    multiple: flag(props.multiple),
    'auto-upload': offFlag(props.autoUpload),
    'chunk-size': text(props.chunkSize),
    'max-pages': text(props.maxPages),
    realtime: offFlag(props.realtime),
    locale: props.locale,
    disabled: flag(props.disabled),
    name: props.name,
    required: flag(props.required),
    theme: props.theme,
    thumbnails: flag(props.thumbnails),
  };
}
