import { describe, expect, it } from 'vitest';
import { type AliasTable, compileAliases, normaliseLabel } from '../../../../schemas/kinds/common/aliases.ts';

const TABLE = {
  person: {
    labels: ['人员'],
    fields: { idNumber: ['身份证号'], name: ['姓名'] },
    flatPrefixes: ['', '承租人'],
  },
  address: {
    labels: ['居住地址'],
    fields: { detail: ['详细地址'], divisionCode: ['区划代码'] },
    textField: 'detail',
  },
  'person.phone': ['联系电话'],
  movedInOn: ['入住日期'],
} as const satisfies AliasTable;

const rename = compileAliases(TABLE);

describe('compileAliases', () => {
  it('renames labels at the top level, inside nested objects and in flattened form', () => {
    // Act
    const { value, conflicts } = rename({
      姓名: '张三',
      承租人身份证号: '330106199003071236',
      居住地址: { 详细地址: '文三路90号', 区划代码: '330106' },
      入住日期: '2016-08-28',
    });

    // Assess
    expect(value).toStrictEqual({
      person: { name: '张三', idNumber: '330106199003071236' },
      address: { detail: '文三路90号', divisionCode: '330106' },
      movedInOn: '2016-08-28',
    });
    expect(conflicts).toStrictEqual([]);
  });

  it('renames every object of a list with the nested table, and names a conflict by its index', () => {
    const list = compileAliases({ endorsements: { labels: ['签注'], fields: { endorsedOn: ['签注日期'] } } });

    const { value, conflicts } = list({
      签注: [{ 签注日期: '2018-03-01' }, { endorsedOn: '2019-03-01', 签注日期: '2019-03-02' }, 'text'],
    });

    expect(value).toStrictEqual({
      endorsements: [{ endorsedOn: '2018-03-01' }, { endorsedOn: '2019-03-01' }, 'text'],
    });
    expect(conflicts).toStrictEqual([
      { path: ['endorsements', '1', 'endorsedOn'], keys: ['endorsedOn', '签注日期'] },
    ]);
  });

  it('accepts labels with full-width characters, spaces, a required mark or a trailing colon', () => {
    const { value } = rename({ '＊姓名：': '张三', ' 身份证号 ': 'x', '入住 日期:': 'y' });

    expect(value).toStrictEqual({ person: { name: '张三', idNumber: 'x' }, movedInOn: 'y' });
    expect(normaliseLabel('＊姓 名：')).toBe('姓名');
  });

  it('turns a string given for an object with a text field into that field', () => {
    expect(rename({ 居住地址: '浙江省杭州市西湖区文三路90号' }).value).toStrictEqual({
      address: { detail: '浙江省杭州市西湖区文三路90号' },
    });
  });

  it('merges an object given whole with its fields given flattened', () => {
    const { value, conflicts } = rename({ person: { name: '张三' }, 身份证号: 'x', 联系电话: '1' });

    expect(value).toStrictEqual({ person: { name: '张三', idNumber: 'x', phone: '1' } });
    expect(conflicts).toStrictEqual([]);
  });

  it('reports every field given twice, naming both keys, and keeps the first value', () => {
    const { value, conflicts } = rename({
      movedInOn: 'a',
      入住日期: 'b',
      person: { name: '张三', 姓名: '李四' },
      姓名: '王五',
    });

    expect(value).toStrictEqual({ movedInOn: 'a', person: { name: '张三' } });
    expect(conflicts).toStrictEqual([
      { path: ['movedInOn'], keys: ['movedInOn', '入住日期'] },
      { path: ['person', 'name'], keys: ['name', '姓名'] },
      { path: ['person', 'name'], keys: ['person.name', '姓名'] },
    ]);
  });

  it('drops null, undefined and blank values, so a label and an empty canonical column do not conflict', () => {
    const { value, conflicts } = rename({
      movedInOn: '',
      入住日期: '2016-08-28',
      姓名: null,
      person: { name: ' ' },
    });

    expect(value).toStrictEqual({ movedInOn: '2016-08-28', person: {} });
    expect(conflicts).toStrictEqual([]);
  });

  it('keeps unknown keys, even __proto__, as own fields for the strict object to report, polluting nothing', () => {
    const input = JSON.parse(
      '{"__proto__": {"polluted": true}, "remark": 1, "person": {"__proto__": {"polluted": true}}, "承租人姓名": "x"}',
    ) as Record<string, unknown>;

    const { value } = rename(input) as { value: Record<string, Record<string, unknown>> };

    expect(Object.keys(value)).toStrictEqual(['__proto__', 'remark', 'person']);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value.person as object)).toStrictEqual(['__proto__', 'name']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('leaves non-objects and the input itself unchanged', () => {
    const input = { 姓名: '张三' };

    expect(rename('text').value).toBe('text');
    expect(rename([1]).value).toStrictEqual([1]);
    rename(input);
    expect(input).toStrictEqual({ 姓名: '张三' });
  });

  it('lists every label with its canonical path', () => {
    expect(rename.labels.get('承租人姓名')).toBe('person.name');
    expect(rename.labels.get('person.姓名')).toBe('person.name');
    expect(rename.labels.get('联系电话')).toBe('person.phone');
  });

  it.each([
    ['a label naming two fields', { a: ['标签'], b: ['标签'] }],
    ['a label equal to a canonical name', { a: ['b'], b: [] }],
    ['a flattened label without a nested entry', { 'a.b': ['标签'] }],
  ] as const)('refuses a table with %s', (_, table) => {
    expect(() => compileAliases(table)).toThrow(/Alias table/);
  });
});
