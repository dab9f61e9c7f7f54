// @v2-uploader/react: hooks and a component over the @v2-uploader/core store. Nothing here
// touches the DOM at import time, so the package can be imported and rendered on a server.
// Everything here is client code (context, hooks, effects): the directive lets a React Server
// Component (Next.js App Router) render <V2Uploader> or <UploaderProvider> directly, as a client
// boundary, instead of failing on createContext.
'use client';

export { UploaderProvider } from './uploader-provider.js';
export type { UploaderProviderProps } from './uploader-provider.js';
export { useSupabaseClient, useUploaderContext } from './uploader-context.js';
export type { UploaderContextValue } from './uploader-context.js';

export { useUploader } from './use-uploader.js';
export { useUploaderState } from './use-uploader-state.js';
export { useUpload } from './use-upload.js';
export type { UseUploadResult } from './use-upload.js';
export { useDocumentInfo } from './use-document-info.js';
export type { UseDocumentInfoResult } from './use-document-info.js';
// What inspection finds, for apps that phrase it themselves (issue 20).
export { documentNotices } from '@v2-uploader/core/store';
export type { DocumentInfo, DocumentNotice, DocumentRules } from '@v2-uploader/core/store';
export { useUploadProgress } from './use-upload-progress.js';
export type { UseUploadProgressOptions } from './use-upload-progress.js';
export { UNKNOWN_PROGRESS } from './document-progress-store.js';
export type { UploadProgressState } from './document-progress-store.js';
export { useDropzone } from './use-dropzone.js';
export type { DropzoneInputProps, DropzoneRootProps, DropzoneState, UseDropzoneOptions } from './use-dropzone.js';

export { V2Uploader } from './v2-uploader.js';
export type { V2UploaderAttributeProps, V2UploaderEventProps, V2UploaderOwnProps, V2UploaderProps } from './v2-uploader-props.js';

export type { V2UploaderJsxProps } from './jsx.js';

export { useSubscribable } from './use-subscribable.js';
export type { ExternalStore } from './use-subscribable.js';
