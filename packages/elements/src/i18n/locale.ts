import { ar } from './ar.js';
import { de } from './de.js';
import { en } from './en.js';
import type { Formatted, LocaleStrings } from './strings.js';

export type { Formatted, LocaleStrings } from './strings.js';

/** The built-in tables; add your own with `registerLocale`. */
const tables = new Map<string, LocaleStrings>([['en', en], ['de', de], ['ar', ar]]);

/** Add or replace a locale table (e.g. `registerLocale('fr', fr)`). */
export function registerLocale(tag: string, strings: LocaleStrings): void {
  tables.set(tag.toLowerCase(), strings);
}

// Scripts written right to left (the primary language subtag decides).
const RTL = new Set(['ar', 'fa', 'he', 'ur', 'ps', 'yi', 'dv', 'ckb']);

export interface ResolvedLocale {
  tag: string;
  dir: 'ltr' | 'rtl';
  strings: LocaleStrings;
  format: Formatted;
}

/** The best table for a BCP 47 tag ("de-AT" → de), falling back to English; with Intl formatting. */
export function resolveLocale(requested: string | undefined): ResolvedLocale {
  const candidates = [requested, typeof navigator !== 'undefined' ? navigator.language : undefined, 'en'];
  let tag = 'en';
  let strings = en;
  for (const c of candidates) {
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

const UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;

/** Sizes in decimal units (what file managers show), times and percentages through Intl. */
export function formatter(tag: string): Formatted {
  /** `bytes` in the largest decimal unit below it, with Intl's unit (optionally per second). */
  const scaled = (bytes: number, perSecond: boolean) => {
    let value = bytes;
    let unit = 0;
    while (value >= 1000 && unit < UNITS.length - 1) {
      value /= 1000;
      unit += 1;
    }
    const name = perSecond ? `${UNITS[unit]}-per-second` : UNITS[unit]!;
    // Bytes in full ("3 bytes"): the short form of the byte unit is not plural in every locale.
    const display = unit === 0 ? 'long' : 'short';
    return new Intl.NumberFormat(tag, { style: 'unit', unit: name, unitDisplay: display, maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value);
  };
  const size = (bytes: number) => scaled(bytes, false);
  const duration = (seconds: number) => {
    const s = Math.max(0, Math.round(seconds));
    if (s < 60) return new Intl.NumberFormat(tag, { style: 'unit', unit: 'second', unitDisplay: 'short' }).format(s);
    if (s < 3600) return new Intl.NumberFormat(tag, { style: 'unit', unit: 'minute', unitDisplay: 'short' }).format(Math.round(s / 60));
    return new Intl.NumberFormat(tag, { style: 'unit', unit: 'hour', unitDisplay: 'short', maximumFractionDigits: 1 }).format(s / 3600);
  };
  const percent = (fraction: number) => new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 0 }).format(fraction);
  const speed = (bps: number) => scaled(bps, true);
  return { size, duration, percent, speed };
}
