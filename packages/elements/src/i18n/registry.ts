// The locale tables and their resolution. English is built in here; German and Arabic are
// built in too but loaded with import() the first time a page asks for them (an element
// waits for its table before it renders: `localeReady`), so a page in English does not pay
// for them. `./locale.js`, the public module, adds them synchronously instead.
import { formatByteRate, formatFileSize, type RejectionReason, rejectionMessage, rejectionTextsReady } from '@v2-uploader/core/store';
import { en } from './en.js';
import type { Formatted, LocaleStrings } from './strings.js';

export type { Formatted, LocaleStrings } from './strings.js';

/** The tables there are; add your own with `registerLocale`. */
const tables = new Map<string, LocaleStrings>([['en', en]]);

/** Built-in tables not loaded yet (and not replaced by `registerLocale`). */
const builtIn = new Map<string, () => Promise<LocaleStrings>>([
  ['de', () => import('./de.js').then((m) => m.de)],
  ['ar', () => import('./ar.js').then((m) => m.ar)],
]);
const loading = new Map<string, Promise<void>>();

/** Add or replace a locale table (e.g. `registerLocale('fr', fr)`). */
export function registerLocale(tag: string, strings: LocaleStrings): void {
  const key = tag.toLowerCase();
  builtIn.delete(key);
  tables.set(key, strings);
}

/** A built-in table given synchronously (by `./locale.js`); a table registered under its tag wins. */
export function provideBuiltIn(tag: string, strings: LocaleStrings): void {
  if (builtIn.delete(tag)) tables.set(tag, strings);
}

/** The tags `resolveLocale(requested)` tries, in order. */
function candidates(requested: string | undefined): (string | undefined)[] {
  return [requested, typeof navigator !== 'undefined' ? navigator.language : undefined, 'en'];
}

/**
 * Resolves once the table `resolveLocale(requested)` should use is loaded, and the core's
 * rejection texts in its language; `undefined` when they already are (nothing to wait for). A
 * table that cannot be loaded is skipped, as an unknown tag is.
 */
export function localeReady(requested: string | undefined): Promise<void> | undefined {
  for (const c of candidates(requested)) {
    if (!c) continue;
    const lower = c.toLowerCase();
    const texts = rejectionTextsReady(lower);
    if (tables.has(lower) || tables.has(lower.split('-')[0]!)) return texts;
    const key = builtIn.has(lower) ? lower : lower.split('-')[0]!;
    const load = builtIn.get(key);
    if (!load) continue;
    let pending = loading.get(key);
    if (!pending) {
      pending = load().then((strings) => provideBuiltIn(key, strings), () => undefined);
      loading.set(key, pending);
    }
    return texts ? Promise.all([pending, texts]).then(() => undefined) : pending;
  }
  return undefined;
}

// Scripts written right to left (the primary language subtag decides).
const RTL = new Set(['ar', 'fa', 'he', 'ur', 'ps', 'yi', 'dv', 'ckb']);

export interface ResolvedLocale {
  tag: string;
  dir: 'ltr' | 'rtl';
  strings: LocaleStrings;
  format: Formatted;
}

/**
 * The best table for a BCP 47 tag ("de-AT" → de), falling back to English; with Intl formatting.
 * Only tables already here count: see `localeReady` for the built-in ones loaded on demand.
 */
export function resolveLocale(requested: string | undefined): ResolvedLocale {
  let tag = 'en';
  let strings = en;
  for (const c of candidates(requested)) {
    if (!c) continue;
    const lower = c.toLowerCase();
    const match = tables.get(lower) ?? tables.get(lower.split('-')[0]!);
    if (match) {
      tag = c;
      strings = match;
      break;
    }
  }
  let intlTag = tag;
  try {
    intlTag = Intl.getCanonicalLocales(tag)[0] ?? 'en';
  } catch {
    intlTag = 'en';
  }
  return { tag: intlTag, dir: RTL.has(intlTag.split('-')[0]!.toLowerCase()) ? 'rtl' : 'ltr', strings, format: formatter(intlTag) };
}

/** Why a file was refused, in `locale`'s words: its table's own `rejection`, or the core's texts in its language. */
export function rejectionText({ strings, format }: ResolvedLocale, reason: RejectionReason, fileName?: string): string {
  return strings.rejection ? strings.rejection(reason, format, fileName) : rejectionMessage(reason, format.locale, fileName);
}

/**
 * Sizes and speeds as the core and the server state them (1024-based: 52,428,800 bytes are
 * "50 MB"), times and percentages, all through Intl for `tag`.
 */
export function formatter(tag: string): Formatted {
  const size = (bytes: number) => formatFileSize(bytes, tag);
  const duration = (seconds: number) => {
    const s = Math.max(0, Math.round(seconds));
    if (s < 60) return new Intl.NumberFormat(tag, { style: 'unit', unit: 'second', unitDisplay: 'short' }).format(s);
    if (s < 3600) return new Intl.NumberFormat(tag, { style: 'unit', unit: 'minute', unitDisplay: 'short' }).format(Math.round(s / 60));
    return new Intl.NumberFormat(tag, { style: 'unit', unit: 'hour', unitDisplay: 'short', maximumFractionDigits: 1 }).format(s / 3600);
  };
  const percent = (fraction: number) => new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 0 }).format(fraction);
  const speed = (bps: number) => formatByteRate(bps, tag);
  return { locale: tag, size, duration, percent, speed };
}
