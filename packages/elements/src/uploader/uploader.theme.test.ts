// Themes against the page behind them: `theme="dark"` on a light page (and `theme="light"` on a
// dark one) must keep every text the element draws outside its rows at WCAG AA contrast.
import { expect, fixture, html } from '@open-wc/testing';
import { Uploader } from '@v2-uploader/core';
import { fakeOptions, textFile, until } from '@v2-uploader/core/testing';
import './define.js';
import type { V2UploaderElement } from './uploader.js';

const rgb = (css: string) => {
  const [r = 0, g = 0, b = 0, a = 1] = (css.match(/[\d.]+/g) ?? []).map(Number);
  return { r, g, b, a };
};
const luminance = ({ r, g, b }: { r: number; g: number; b: number }) => {
  const lin = (c: number) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
};

/** The first opaque background behind `node`, across shadow roots. */
function backgroundBehind(node: Element): string {
  for (let el: Element | null = node; el; el = el.parentElement ?? ((el.getRootNode() as ShadowRoot).host ?? null)) {
    const bg = getComputedStyle(el).backgroundColor;
    if (rgb(bg).a > 0) return bg;
  }
  return 'rgb(255, 255, 255)';
}

function contrast(node: Element): number {
  const [a, b] = [luminance(rgb(getComputedStyle(node).color)), luminance(rgb(backgroundBehind(node)))];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

for (const [theme, page] of [['dark', '#ffffff'], ['light', '#030712'], ['dark', '#030712'], ['light', '#ffffff']] as const) {
  describe(`<v2-uploader theme="${theme}"> on a ${page === '#ffffff' ? 'light' : 'dark'} page`, () => {
    it('keeps the summary, hint and drop zone texts at AA contrast (4.5:1)', async () => {
      const wrapper = await fixture<HTMLDivElement>(html`<div style="background: ${page}; padding: 1rem"><v2-uploader theme=${theme}></v2-uploader></div>`);
      const el = wrapper.querySelector('v2-uploader') as V2UploaderElement;
      el.uploader = new Uploader({ ...fakeOptions().options, autoUpload: false });
      await el.addFiles([textFile('notes.txt', 'hello')]);
      await until(() => el.shadowRoot!.querySelector('[part~=summary]') !== null);
      await el.updateComplete;
      for (const name of ['summary', 'hint', 'label', 'browse']) {
        const node = el.shadowRoot!.querySelector(`[part~=${name}]`)!;
        expect(contrast(node), `${name}: ${getComputedStyle(node).color} on ${backgroundBehind(node)}`).to.be.at.least(4.5);
      }
      el.uploader.destroy();
    });
  });
}
