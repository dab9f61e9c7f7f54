import { expect, fixture, html } from '@open-wc/testing';
import './define.js';
import { V2ProgressBar } from './progress-bar.js';

function base(el: V2ProgressBar): HTMLElement {
  const part = el.shadowRoot?.querySelector<HTMLElement>('[part~="base"]');
  if (!part) throw new Error('progress bar has no base part');
  return part;
}

function indicator(el: V2ProgressBar): HTMLElement {
  const part = el.shadowRoot?.querySelector<HTMLElement>('[part~="indicator"]');
  if (!part) throw new Error('progress bar has no indicator part');
  return part;
}

describe('<v2-progress-bar>', () => {
  it('is registered by the define entry', async () => {
    const el = await fixture(html`<v2-progress-bar></v2-progress-bar>`);
    expect(el).to.be.instanceOf(V2ProgressBar);
    expect(customElements.get('v2-progress-bar')).to.equal(V2ProgressBar);
  });

  it('exposes value and label as an ARIA progressbar', async () => {
    const el = await fixture<V2ProgressBar>(
      html`<v2-progress-bar value="40" label="Uploading report.pdf"></v2-progress-bar>`,
    );
    const track = base(el);
    expect(track.getAttribute('role')).to.equal('progressbar');
    expect(track.getAttribute('aria-valuenow')).to.equal('40');
    expect(track.getAttribute('aria-valuemin')).to.equal('0');
    expect(track.getAttribute('aria-valuemax')).to.equal('100');
    expect(track.getAttribute('aria-label')).to.equal('Uploading report.pdf');
    expect(indicator(el).style.width).to.equal('40%');
  });

  it('follows attribute and property changes', async () => {
    const el = await fixture<V2ProgressBar>(html`<v2-progress-bar></v2-progress-bar>`);
    expect(base(el).getAttribute('aria-valuenow')).to.equal('0');
    expect(base(el).getAttribute('aria-label')).to.equal('Progress');

    el.setAttribute('value', '75');
    el.label = 'Processing';
    await el.updateComplete;
    expect(base(el).getAttribute('aria-valuenow')).to.equal('75');
    expect(base(el).getAttribute('aria-label')).to.equal('Processing');

    el.value = 12.5;
    await el.updateComplete;
    expect(el.getAttribute('value')).to.equal('12.5');
    expect(base(el).getAttribute('aria-valuenow')).to.equal('12.5');
  });

  it('clamps value to 0..100', async () => {
    const el = await fixture<V2ProgressBar>(html`<v2-progress-bar value="150"></v2-progress-bar>`);
    expect(el.value).to.equal(100);
    expect(el.getAttribute('value')).to.equal('100');
    expect(base(el).getAttribute('aria-valuenow')).to.equal('100');
    expect(indicator(el).style.width).to.equal('100%');

    el.value = -20;
    await el.updateComplete;
    expect(el.value).to.equal(0);
    expect(base(el).getAttribute('aria-valuenow')).to.equal('0');

    el.setAttribute('value', 'not a number');
    await el.updateComplete;
    expect(el.value).to.equal(0);
    expect(indicator(el).style.width).to.equal('0%');
  });

  it('drops aria-valuenow while indeterminate', async () => {
    const el = await fixture<V2ProgressBar>(
      html`<v2-progress-bar value="30" indeterminate></v2-progress-bar>`,
    );
    expect(base(el).hasAttribute('aria-valuenow')).to.equal(false);
    expect(indicator(el).style.width).to.equal('');

    el.indeterminate = false;
    await el.updateComplete;
    expect(el.hasAttribute('indeterminate')).to.equal(false);
    expect(base(el).getAttribute('aria-valuenow')).to.equal('30');
  });

  it('fills the indicator with --v2-progress-color, which users can override', async () => {
    const el = await fixture<V2ProgressBar>(html`<v2-progress-bar value="50"></v2-progress-bar>`);
    expect(getComputedStyle(indicator(el)).backgroundColor).to.equal('rgb(37, 99, 235)');
    expect(indicator(el).getBoundingClientRect().width).to.be.closeTo(
      base(el).getBoundingClientRect().width / 2,
      1,
    );

    el.style.setProperty('--v2-progress-color', 'rgb(200, 0, 0)');
    expect(getComputedStyle(indicator(el)).backgroundColor).to.equal('rgb(200, 0, 0)');
  });

  it('is accessible, labelled or not, determinate or not', async () => {
    const el = await fixture(html`
      <div>
        <v2-progress-bar value="40" label="Uploading report.pdf"></v2-progress-bar>
        <v2-progress-bar></v2-progress-bar>
        <v2-progress-bar indeterminate label="Processing"></v2-progress-bar>
      </div>
    `);
    await expect(el).to.be.accessible();
  });
});
