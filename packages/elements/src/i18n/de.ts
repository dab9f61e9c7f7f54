import type { LocaleStrings } from './strings.js';

export const de: LocaleStrings = {
  dropzoneLabel: 'Dokumente hochladen',
  dropzoneHint: (accept, maxSize) => `Dateien hier ablegen, einfügen oder auswählen. ${accept} bis ${maxSize}.`,
  browse: 'Dateien auswählen',
  dragAccept: 'Zum Hochladen loslassen',
  dragReject: 'Einige dieser Dateien können nicht hochgeladen werden',
  disabled: 'Hochladen ist ausgeschaltet',
  status: {
    queued: 'Wartet',
    validating: 'Wird geprüft',
    hashing: 'Wird vorbereitet',
    initializing: 'Startet',
    uploading: 'Wird hochgeladen',
    uploaded: 'Hochgeladen',
    processing: 'Wird verarbeitet',
    parsing: 'Dokument wird gelesen',
    embedding: 'Wird indexiert',
    completed: 'Fertig',
    duplicate: 'Bereits hochgeladen',
    failed: 'Fehlgeschlagen',
    cancelled: 'Abgebrochen',
    paused: 'Pausiert',
    retrying: 'Neuer Versuch',
    stalled: 'Verbindung stockt',
  },
  actions: { pause: 'Pausieren', resume: 'Fortsetzen', cancel: 'Abbrechen', retry: 'Erneut versuchen', remove: 'Entfernen' },
  actionLabel: (action, name) => `${name}: ${action}`,
  progressLabel: (name) => `Fortschritt von ${name}`,
  remaining: (d) => `noch ${d}`,
  duplicate: 'Diese Datei wurde schon hochgeladen; es wurde nichts erneut gesendet.',
  duplicateDropped: 'Diese Datei wurde schon hochgeladen; diese Kopie wurde verworfen, die frühere wird verwendet.',
  stuck: 'Seit über 30 Minuten kein Fortschritt. Erneut versuchen oder den Support kontaktieren.',
  retryingIn: (d) => `Neuer Versuch in ${d}`,
  document: {
    pages: (n, plural) => (plural === 'one' ? `${n} Seite` : `${n} Seiten`),
    words: (n, plural) => (plural === 'one' ? `${n} Wort` : `${n} Wörter`),
    notices: {
      'needs-ocr': 'Gescannt: Der Text wird per Texterkennung (OCR) gelesen',
      'unknown-encoding': 'Ungewöhnliche Textkodierung: Manche Zeichen können falsch erscheinen',
    },
  },
  errorHint: (code, status) => {
    if (code === 'network') return 'Die Verbindung ist abgebrochen. Netzwerk prüfen; es wird erneut versucht.';
    if (code === 'processing-failed') return 'Der Server konnte das Dokument nicht verarbeiten. Erneut versuchen oder eine andere Datei hochladen.';
    if (code === 'file-changed') return 'Die Datei hat sich während des Hochladens geändert. Bitte erneut auswählen.';
    if (code === 'auth-required') return 'Zum Hochladen bitte anmelden.';
    if (status === 401 || status === 403) return 'Die Sitzung ist abgelaufen. Bitte neu anmelden und erneut versuchen.';
    if (status === 413) return 'Die Datei ist größer, als der Server annimmt.';
    if (status !== undefined && status >= 500) return 'Serverproblem. Bitte gleich erneut versuchen.';
    return 'Etwas ist schiefgegangen. Erneut versuchen oder die Datei entfernen.';
  },
  summary: (done, total, percent) => `${done} von ${total} fertig · ${percent}`,
  filesLabel: 'Dateien',
  announce: {
    added: (n) => (n === 1 ? '1 Datei hinzugefügt' : `${n} Dateien hinzugefügt`),
    started: (name) => `${name} wird hochgeladen`,
    halfway: (name) => `${name} ist zur Hälfte hochgeladen`,
    uploaded: (name) => `${name} hochgeladen, wird verarbeitet`,
    completed: (name) => `${name} ist fertig`,
    duplicate: (name) => `${name} war bereits hochgeladen`,
    failed: (name, reason) => `${name} fehlgeschlagen: ${reason}`,
    allComplete: (n) => (n === 1 ? 'Hochladen beendet' : `Alle ${n} Uploads beendet`),
  },
};
