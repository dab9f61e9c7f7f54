// The rejection texts by language. `rejectionTextsFor` loads all three tables; a UI that loads
// languages on demand (as <v2-uploader> does) imports the one it needs from its own module.
import { rejectionTextsAr } from './ar.js';
import { rejectionTextsDe } from './de.js';
import { rejectionTextsEn } from './en.js';
import type { RejectionTexts } from './rejection-texts.js';

export type { DocumentWords, RejectionTexts } from './rejection-texts.js';
export { rejectionTextsAr, rejectionTextsDe, rejectionTextsEn };

const TABLES: Readonly<Record<string, RejectionTexts>> = { en: rejectionTextsEn, de: rejectionTextsDe, ar: rejectionTextsAr };

/** The table for a BCP 47 tag by its language ("de-AT" → German); English for any other. */
export function rejectionTextsFor(locale?: Intl.LocalesArgument): RejectionTexts {
  const first = Array.isArray(locale) ? locale[0] : locale;
  const tag = typeof first === 'string' ? first : first instanceof Intl.Locale ? first.baseName : '';
  return TABLES[tag.split('-')[0]!.toLowerCase()] ?? rejectionTextsEn;
}
