import { maskNumbers } from '#schemas/errors.ts';

/*
 * Building the page: elements, tables and figures. Every text goes through `shown`, which masks every number
 * that could be a phone or ID number with the hub's own masking (schemas/errors.ts `maskNumbers`): the API
 * answers hold aggregates only, and this keeps a stray number in any text off the page as well.
 */

/** Two labels, Chinese first, English small beside it. */
export type Label = readonly [zh: string, en: string];

export const shown = (text: string): string => maskNumbers(text);

type Child = Node | string | number;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children)
    element.append(typeof child === 'object' ? child : document.createTextNode(shown(String(child))));
  return element;
}

/** `中文 English`, the English small. */
export const bilingual = ([zh, en]: Label): DocumentFragment => {
  const fragment = document.createDocumentFragment();
  fragment.append(`${zh} `, el('small', {}, en));
  return fragment;
};

/** A number cell that names the API field it shows (`data-figure`), so a test can hold the two equal. */
export const figureCell = (value: number | null, figure: string): HTMLTableCellElement =>
  el('td', { class: 'n', 'data-figure': figure }, value === null ? '—' : value.toLocaleString('zh-CN'));

export interface Column {
  label: Label;
  numeric?: boolean;
}

/** The table behind a chart (or on its own): a header row of bilingual labels, then the rows as given. */
export function table(
  columns: readonly Column[],
  rows: readonly (readonly (Child | HTMLTableCellElement)[])[],
) {
  const head = el(
    'tr',
    {},
    ...columns.map((column) => el('th', column.numeric ? { class: 'n' } : {}, bilingual(column.label))),
  );
  const body = rows.map((cells) =>
    el('tr', {}, ...cells.map((cell) => (cell instanceof HTMLTableCellElement ? cell : el('td', {}, cell)))),
  );
  return el('table', {}, el('thead', {}, head), el('tbody', {}, ...body));
}

export function section(title: Label, ...children: Child[]): HTMLElement {
  return el('section', {}, el('h2', {}, bilingual(title)), ...children);
}

export const kpi = (label: Label, value: number, figure: string): HTMLElement =>
  el(
    'div',
    { class: 'kpi' },
    el('b', { 'data-figure': figure }, value.toLocaleString('zh-CN')),
    bilingual(label),
  );

/** A canvas in a box of fixed height, for one chart. */
export const chartBox = (): { box: HTMLElement; canvas: HTMLCanvasElement } => {
  const canvas = el('canvas');
  return { box: el('div', { class: 'chart' }, canvas), canvas };
};
