// German rejection texts.
import { DOCX_TYPE, PDF_TYPE, TEXT_TYPE } from '../validation/document-types.js';
import type { RejectionTexts } from './rejection-texts.js';
import type { DocumentKind } from '../inspection/document-info.js';

const KIND: Readonly<Record<DocumentKind, string>> = { pdf: 'PDF', docx: 'Word-Dokument', txt: 'Textdatei' };
const THIS: Readonly<Record<DocumentKind, string>> = { pdf: 'Dieses PDF', docx: 'Dieses Word-Dokument', txt: 'Diese Textdatei' };

const subject = (name: string | undefined) => name ?? 'Diese Datei';

export const rejectionTextsDe: RejectionTexts = {
  tooLarge: (name, size, limit) => `${subject(name)} ist zu groß (${size}); erlaubt sind ${limit}.`,
  tooSmall: (name, size, limit) => `${subject(name)} ist zu klein (${size}); Dateien müssen mindestens ${limit} groß sein.`,
  empty: (name) => `${subject(name)} ist leer (0 Byte); bitte eine Datei mit Inhalt wählen.`,
  tooMany: (name, max, maxFiles) =>
    `${subject(name)} wurde nicht hinzugefügt: Höchstens ${max} ${maxFiles === 1 ? 'Datei ist' : 'Dateien sind'} möglich. Bitte eine entfernen, um Platz zu schaffen.`,
  totalTooLarge: (name, total, limit) =>
    `Mit ${name ?? 'dieser Datei'} wären es zusammen ${total}; erlaubt sind ${limit}. Bitte zuerst einige Dateien entfernen.`,
  typeNotAccepted: (name, accepted) => `Der Dateityp von ${name} wird nicht angenommen; bitte eine Datei vom Typ ${accepted} wählen.`,
  documents: {
    [PDF_TYPE]: { named: 'PDF', contains: 'ein PDF', extension: '.pdf', fix: 'bitte erneut als PDF exportieren oder speichern' },
    [DOCX_TYPE]: { named: 'Word-Dokument', contains: 'ein Word-Dokument', extension: '.docx', fix: 'bitte in Word erneut als .docx speichern' },
    [TEXT_TYPE]: { named: 'Textdatei', contains: 'reinen Text', extension: '.txt', fix: 'bitte als reinen Text in UTF-8 speichern' },
  },
  renameTo: (name, claimed, found) =>
    `${subject(name)} ist als ${claimed} benannt, enthält aber ${found.contains}; bitte so umbenennen, dass der Name auf ${found.extension} endet.`,
  notWhatNamed: (name, claimed, fix) =>
    `${subject(name)} ist als ${claimed} benannt, der Inhalt passt aber nicht dazu; ${fix} oder eine andere Datei wählen.`,
  otherFix: 'bitte eine Datei dieses Typs',
  invalidName: {
    'empty': () => 'Die Datei hat keinen Namen; bitte umbenennen und erneut hinzufügen.',
    'path-separator': (quoted) => `Der Name ${quoted} enthält „/“ oder „\\“, die in Dateinamen nicht vorkommen dürfen; bitte die Datei umbenennen.`,
    'control-character': (quoted) => `Der Name ${quoted} enthält unsichtbare Steuerzeichen; bitte die Datei umbenennen.`,
    'bidi-control': (quoted) =>
      `Der Name ${quoted} enthält versteckte Zeichen, die die Schreibrichtung ändern und die Endung verschleiern können; bitte die Datei umbenennen.`,
    'dot-name': (quoted) => `${quoted} ist kein Dateiname; bitte die Datei umbenennen.`,
    'too-long': (quoted, maxBytes) => `Der Name ${quoted} ist länger als ${maxBytes} Byte; bitte kürzen.`,
  },
  documentRefused: {
    'encrypted': (name, kind) => `${name ?? THIS[kind]} ist passwortgeschützt: Bitte das Passwort entfernen und erneut hochladen.`,
    'damaged-no-xref': (name, kind) => `${name ?? THIS[kind]} ist beschädigt (das Inhaltsverzeichnis fehlt); bitte öffnen, erneut speichern oder exportieren und dann hochladen.`,
    'damaged-truncated': (name, kind) => `${name ?? THIS[kind]} ist unvollständig (es endet zu früh, vielleicht beim Herunterladen abgebrochen); bitte die ganze Datei neu holen.`,
    'damaged-missing-parts': (name) => `${name ?? 'Diesem Word-Dokument'} fehlen Teile, die Word braucht; bitte in Word öffnen und erneut als .docx speichern.`,
    'damaged-unreadable': (name, kind) => `${name ?? THIS[kind]} lässt sich nicht als ${KIND[kind]} lesen; bitte erneut speichern oder eine andere Datei wählen.`,
    'macros': (name) => `${name ?? 'Dieses Word-Dokument'} enthält Makros, die nicht angenommen werden; bitte als .docx ohne Makros speichern und diese Datei hochladen.`,
    'binary': (name) => `${name ?? 'Diese Datei'} heißt .txt, enthält aber keinen Text; bitte eine reine Textdatei wählen.`,
  },
  tooManyPages: (name, pages, max) => `${subject(name)} hat ${pages} Seiten; höchstens ${max} sind erlaubt. Bitte aufteilen und die Teile hochladen.`,
};
