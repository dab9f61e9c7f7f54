// German and Arabic are loaded on demand by the elements (registry.ts). This file imports the
// registry only, never ./locale.js (which adds both synchronously), so the tables really are
// loaded here. Tests share the module's state, in this order.
import { expect } from '@open-wc/testing';
import { en } from './en.js';
import { localeReady, registerLocale, resolveLocale } from './registry.js';

describe('locale tables loaded on demand', () => {
  it('waits for the German table, then resolves regional tags to it', async () => {
    const ready = localeReady('de-AT');
    expect(ready, 'German is not loaded yet').to.be.instanceOf(Promise);
    expect(resolveLocale('de-AT').strings, 'until then only English is there').to.equal(en);
    await ready;
    expect(localeReady('de-AT'), 'nothing left to wait for').to.equal(undefined);
    const de = resolveLocale('de-AT');
    expect(de.tag).to.equal('de-AT');
    expect(de.strings.dropzoneLabel).to.equal('Dokumente hochladen');
  });

  it('a table registered under a built-in tag replaces it, even while the built-in one is loading', async () => {
    const loading = localeReady('ar');
    expect(loading, 'Arabic is not loaded yet').to.be.instanceOf(Promise);
    const custom = { ...en, dropzoneLabel: 'custom Arabic' };
    registerLocale('ar', custom);
    await loading;
    expect(localeReady('ar')).to.equal(undefined);
    expect(resolveLocale('ar').strings).to.equal(custom);
    expect(resolveLocale('ar').dir).to.equal('rtl');
  });
});
