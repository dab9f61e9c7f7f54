// The document types the server accepts, as MIME types (its TYPES_BY_EXTENSION values).
export const PDF_TYPE = 'application/pdf';
export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
export const TEXT_TYPE = 'text/plain';
export type DocumentType = typeof PDF_TYPE | typeof DOCX_TYPE | typeof TEXT_TYPE;
