// English rejection texts: what people see unless a UI picks another language.
import { DOCX_TYPE, PDF_TYPE, TEXT_TYPE } from '../validation/document-types.js';
import type { RejectionTexts } from './rejection-texts.js';
import type { DocumentKind } from '../inspection/document-info.js';

const KIND: Readonly<Record<DocumentKind, string>> = { pdf: 'PDF', docx: 'Word document', txt: 'text file' };

const subject = (name: string | undefined) => name ?? 'This file';

export const rejectionTextsEn: RejectionTexts = {
  tooLarge: (name, size, limit) => `${subject(name)} is ${size}; the limit is ${limit}.`,
  tooSmall: (name, size, limit) => `${subject(name)} is ${size}; files must be at least ${limit}.`,
  empty: (name) => `${subject(name)} is empty (0 bytes); choose a file with content.`,
  tooMany: (name, max, maxFiles) =>
    `${subject(name)} was not added: you can add at most ${max} ${maxFiles === 1 ? 'file' : 'files'}. Remove one to make room.`,
  totalTooLarge: (name, total, limit) =>
    `Adding ${name ?? 'this file'} would bring the total to ${total}; the limit is ${limit}. Remove some files first.`,
  typeNotAccepted: (name, accepted, byExtension) =>
    `${name} is not an accepted file type; choose ${byExtension ? `a ${accepted} file` : `a file of type ${accepted}`}.`,
  documents: {
    [PDF_TYPE]: { named: 'a PDF', contains: 'a PDF', extension: '.pdf', fix: 'export or save it as PDF again' },
    [DOCX_TYPE]: { named: 'a Word document', contains: 'a Word document', extension: '.docx', fix: 'save it again in Word as .docx' },
    [TEXT_TYPE]: { named: 'plain text', contains: 'plain text', extension: '.txt', fix: 'save it as plain text in UTF-8' },
  },
  renameTo: (name, claimed, found) =>
    `${subject(name)} is named as ${claimed} but contains ${found.contains}; rename it to end in ${found.extension}.`,
  notWhatNamed: (name, claimed, fix) => `${subject(name)} is named as ${claimed} but its content is not; ${fix}, or choose another file.`,
  otherFix: 'choose a file of that type',
  invalidName: {
    'empty': () => 'The file has no name; rename it and add it again.',
    'path-separator': (quoted) => `The name ${quoted} contains "/" or "\\", which file names cannot have; rename the file.`,
    'control-character': (quoted) => `The name ${quoted} contains invisible control characters; rename the file.`,
    'bidi-control': (quoted) =>
      `The name ${quoted} contains hidden characters that change text direction and can disguise its extension; rename the file.`,
    'dot-name': (quoted) => `${quoted} is not a file name; rename the file.`,
    'too-long': (quoted, maxBytes) => `The name ${quoted} is longer than ${maxBytes} bytes; shorten it.`,
  },
  documentRefused: {
    'encrypted': (name, kind) => `${name ?? `This ${KIND[kind]}`} is password-protected: remove the password and upload it again.`,
    'damaged-no-xref': (name, kind) => `${name ?? `This ${KIND[kind]}`} is damaged (its index is missing); open it and save or export it again, then upload it.`,
    'damaged-truncated': (name, kind) => `${name ?? `This ${KIND[kind]}`} is incomplete (it ends early, perhaps cut off while downloading); get the whole file again.`,
    'damaged-missing-parts': (name) => `${name ?? 'This Word document'} lacks parts Word needs; open it in Word and save it again as .docx.`,
    'damaged-unreadable': (name, kind) => `${name ?? `This ${KIND[kind]}`} cannot be read as a ${KIND[kind]}; save it again, or choose another file.`,
    'macros': (name) => `${name ?? 'This Word document'} contains macros, which are not accepted; save it as a .docx without macros and upload that.`,
    'binary': (name) => `${name ?? 'This file'} is named .txt but is not text; choose a plain-text file.`,
  },
  tooManyPages: (name, pages, max) => `${subject(name)} has ${pages} pages; at most ${max} are accepted. Split it and upload the parts.`,
};
