// `<v2-progress-bar>`: the bar inside every row, usable on its own.
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';

interface BarArgs {
  value: number;
  indeterminate: boolean;
  label: string;
}

const meta = {
  title: 'Components/Progress bar',
  component: 'v2-progress-bar',
  argTypes: {
    value: { control: { type: 'range', min: 0, max: 100, step: 1 } },
    indeterminate: { control: 'boolean' },
    label: { control: 'text' },
  },
  args: { value: 45, indeterminate: false, label: 'Progress of report.pdf' },
  render: ({ value, indeterminate, label }) => html`<v2-progress-bar .value=${value} ?indeterminate=${indeterminate} label=${label}></v2-progress-bar>`,
} satisfies Meta<BarArgs>;

export default meta;
type Story = StoryObj<BarArgs>;

export const Empty: Story = { args: { value: 0 } };
export const Partial: Story = {};
export const Full: Story = { args: { value: 100 } };
/** Activity without a known amount (animated; still under reduced motion). */
export const Indeterminate: Story = { args: { indeterminate: true } };
/** Colours and height from CSS custom properties. */
export const Custom: Story = {
  render: ({ value, label }) => html`<v2-progress-bar
    style="--v2-progress-color: #7c3aed; --v2-progress-track-color: #ede9fe; --v2-progress-height: 0.75rem"
    .value=${value}
    label=${label}
  ></v2-progress-bar>`,
};
/** Right to left, the bar fills from the right. */
export const RightToLeft: Story = {
  decorators: [(story) => html`<div dir="rtl" lang="ar">${story()}</div>`],
  args: { value: 30, label: 'تقدم report.pdf' },
};
