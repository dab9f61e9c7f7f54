// Public API of the pre-upload checks: names, sizes, types, limits and content.
export { checkFileName, normaliseFileName, MAX_FILE_NAME_BYTES } from './names.js';
export type { InvalidNameRejection } from './names.js';
export {
  detectDocumentType,
  hasDocumentContent,
  isDocx,
  isPdf,
  isPlainText,
  DOCX_TYPE,
  PDF_TYPE,
  TEXT_TYPE,
} from './magic.js';
export type { DocumentType } from './magic.js';
export {
  DEFAULT_VALIDATION_OPTIONS,
  claimedDocumentType,
  resolveValidationOptions,
  validateFile,
  validateFiles,
} from './validate.js';
export type { ValidationContext, ValidationOptions, ValidationOptionsInput } from './validate.js';
export { displayFileName, formatByteRate, formatFileSize, rejectionMessage } from './messages.js';
export { rejectionError } from './rejection-error.js';
export { filesFromDataTransfer, filesFromInput } from './data-transfer.js';
export type { PickedFile } from './data-transfer.js';
