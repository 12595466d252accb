import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { SelectField, SelectInput, type SelectInputProps } from '../../../wecom-sidebar/src/shell/Field';

type Tone = 'calm' | 'loud';
const TONE_LABELS: Record<Tone, string> = { calm: '平静', loud: '响亮' };
const noop = () => undefined;

function options<T extends string>(props: SelectInputProps<T>): { value: string; text: string; selected: boolean }[] {
  const html = renderToStaticMarkup(createElement(SelectInput<T>, props));
  return [...html.matchAll(/<option value="([^"]*)"( selected="")?>([^<]*)<\/option>/g)].map((match) => ({
    value: match[1]!,
    text: match[3]!,
    selected: match[2] !== undefined,
  }));
}

describe('SelectInput', () => {
  it('names each value with its label map, in the order of the options', () => {
    expect(
      options<Tone>({ testId: 't', options: ['loud', 'calm'], labels: TONE_LABELS, value: 'calm', onChange: noop }),
    ).toEqual([
      { value: 'loud', text: '响亮', selected: false },
      { value: 'calm', text: '平静', selected: true },
    ]);
  });

  it('takes records by id with their label or name', () => {
    const rows = options<string>({
      testId: 't',
      options: [
        { id: 'me', label: '我的' },
        { id: 's1', name: '王芳' },
      ],
      value: 's1',
      onChange: noop,
    });
    expect(rows.map((row) => [row.value, row.text])).toEqual([
      ['me', '我的'],
      ['s1', '王芳'],
    ]);
  });

  it('offers the empty option first, selected while the value is empty', () => {
    const rows = options<Tone | ''>({
      testId: 't',
      empty: '全部',
      options: ['calm', 'loud'],
      labels: (tone) => `${TONE_LABELS[tone]}!`,
      value: '',
      onChange: noop,
    });
    expect(rows[0]).toEqual({ value: '', text: '全部', selected: true });
    expect(rows.map((row) => row.text)).toEqual(['全部', '平静!', '响亮!']);
  });

  it('shows a value that is none of the options through `missing`, and the empty value through the empty option', () => {
    const base = { testId: 't', empty: '结束', options: [{ id: 'a', label: 'A' }], onChange: noop };
    const missing = (id: string) => `${id}（不存在）`;
    expect(options<string>({ ...base, missing, value: 'gone' })).toEqual([
      { value: '', text: '结束', selected: false },
      { value: 'gone', text: 'gone（不存在）', selected: true },
      { value: 'a', text: 'A', selected: false },
    ]);
    expect(options<string>({ ...base, missing, value: '' }).map((row) => row.value)).toEqual(['', 'a']);
    expect(options<string>({ ...base, value: 'gone' }).map((row) => row.value)).toEqual(['', 'a']);
  });

  it('puts the test id, classes and accessible name on the select itself', () => {
    const html = renderToStaticMarkup(
      createElement(SelectInput<Tone>, {
        testId: 'tone',
        inline: true,
        className: 'extra',
        ariaLabel: '语气',
        disabled: true,
        options: ['calm'],
        labels: TONE_LABELS,
        value: 'calm',
        onChange: noop,
      }),
    );
    expect(html).toMatch(
      /^<select class="input input--inline extra" aria-label="语气" data-testid="tone" disabled="">/,
    );
  });

  it('as a SelectField, sits in a labelled field with its error', () => {
    const html = renderToStaticMarkup(
      createElement(SelectField<Tone>, {
        label: '语气 Tone',
        error: '请选择',
        testId: 'tone',
        options: ['calm'],
        labels: TONE_LABELS,
        value: 'calm',
        onChange: noop,
      }),
    );
    expect(html).toMatch(
      /^<label class="field"><span class="field__label">语气 Tone<\/span><select class="input" data-testid="tone">/,
    );
    expect(html).toContain('<p class="field-error" role="alert">请选择</p>');
  });
});
