// The locale tables, German and Arabic included synchronously (the package's bare entry
// exports this module). The elements themselves use `./registry.js`, which loads those two on
// demand.
import { ar } from './ar.js';
import { de } from './de.js';
import { rejectionTextsReady } from '@v2-uploader/core/store';
import { provideBuiltIn, resolveLocale as resolveRegistered, type ResolvedLocale } from './registry.js';

export { formatter, registerLocale } from './registry.js';
export type { Formatted, LocaleStrings, ResolvedLocale } from './registry.js';

/** The best table for a BCP 47 tag ("de-AT" → de), falling back to English; with Intl formatting. */
export function resolveLocale(requested: string | undefined): ResolvedLocale {
  provideBuiltIn('de', de);
  provideBuiltIn('ar', ar);
  // The core's German and Arabic rejection texts load on demand; English is said until then.
  void rejectionTextsReady(requested);
  return resolveRegistered(requested);
}
