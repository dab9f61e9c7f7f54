// The classes (no registration: import `@v2-uploader/elements/define.js` or a `*/define.js`).
export { V2UploaderElement } from './uploader/uploader.js';
export { V2UploadItem } from './upload-item/upload-item.js';
export { V2ItemActionEvent } from './upload-item/item-action-event.js';
export type { V2ItemAction, V2ItemActionDetail } from './upload-item/item-action-event.js';
export { registerPdfjs } from './thumbnail/pdf-thumbnail.js';
export { V2ProgressBar } from './progress-bar/progress-bar.js';
export { UploaderController } from './uploader-controller.js';
export * from './events/index.js';
export { registerLocale, resolveLocale, formatter } from './i18n/locale.js';
export type { Formatted, LocaleStrings, ResolvedLocale } from './i18n/locale.js';
export { en } from './i18n/en.js';
export { de } from './i18n/de.js';
export { ar } from './i18n/ar.js';
