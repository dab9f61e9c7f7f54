// The rejection texts by language. English is always here; German and Arabic are loaded with
// import() the first time they are asked for (`rejectionTextsReady`), so a page in English does
// not pay for them. Until a table is loaded, `rejectionMessage` speaks English.
import { rejectionTextsEn } from './en.js';
import type { RejectionTexts } from './rejection-texts.js';

export type { DocumentWords, RejectionTexts } from './rejection-texts.js';
export { rejectionTextsEn };

const loaders: Readonly<Record<string, () => Promise<RejectionTexts>>> = {
  de: () => import('./de.js').then((m) => m.rejectionTextsDe),
  ar: () => import('./ar.js').then((m) => m.rejectionTextsAr),
};
const loaded = new Map<string, RejectionTexts>([['en', rejectionTextsEn]]);
const loading = new Map<string, Promise<void>>();

/** The primary language subtag of a locale ("de-AT" → "de"); "" for none. */
const languageOf = (locale: Intl.LocalesArgument) =>
  String((Array.isArray(locale) ? locale[0] : locale) ?? '').split('-')[0]!.toLowerCase();

/** The table for a locale's language if it is loaded; English otherwise. */
export function rejectionTextsFor(locale?: Intl.LocalesArgument): RejectionTexts {
  return loaded.get(languageOf(locale)) ?? rejectionTextsEn;
}

/**
 * Resolves once the built-in table for `locale`'s language (German, Arabic) is loaded;
 * `undefined` when there is nothing to wait for (loaded already, English, or a language
 * without a built-in table). A table that cannot be loaded leaves English.
 */
export function rejectionTextsReady(locale?: Intl.LocalesArgument): Promise<void> | undefined {
  const language = languageOf(locale);
  const load = loaders[language];
  if (loaded.has(language) || !load) return undefined;
  let pending = loading.get(language);
  if (!pending) {
    pending = load().then((texts) => void loaded.set(language, texts), () => undefined);
    loading.set(language, pending);
  }
  return pending;
}
