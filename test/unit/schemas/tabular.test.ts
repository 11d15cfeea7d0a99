import { describe, expect, it } from 'vitest';
import { normaliseRecord, RECORD_KIND_DEFINITIONS, RECORD_KINDS } from '#schemas/index.ts';
import {
  acceptedHeaders,
  columnLetter,
  columnOfError,
  type ImportColumn,
  isBlankRow,
  mapColumns,
  rowRecord,
} from '#schemas/tabular.ts';

const REGISTRATION_HEADERS = ['公民身份号码', '姓名', '居住地址', '居住类型', '入住日期'];

function columnsOf(headers: string[]): ImportColumn[] {
  const mapping = mapColumns('residence-registration', headers);
  if (!mapping.ok) throw new Error(JSON.stringify(mapping.problems));
  return mapping.columns;
}

describe('mapColumns', () => {
  it('maps Chinese labels, flattened labels and canonical paths to the fields of the kind', () => {
    // Act
    const mapping = mapColumns('residence-registration', [
      '身份证号',
      '* 姓名：',
      'address.divisionCode',
      '居住地详细地址',
      'residenceType',
      '入住日期',
    ]);

    // Assess
    expect(mapping).toStrictEqual({
      ok: true,
      columns: [
        { index: 0, header: '身份证号', path: ['person', 'idNumber'] },
        { index: 1, header: '* 姓名：', path: ['person', 'name'] },
        { index: 2, header: 'address.divisionCode', path: ['address', 'divisionCode'] },
        { index: 3, header: '居住地详细地址', path: ['address', 'detail'] },
        { index: 4, header: 'residenceType', path: ['residenceType'] },
        { index: 5, header: '入住日期', path: ['movedInOn'] },
      ],
    });
  });

  it('lists every unknown and duplicate header and every required field without a column', () => {
    // Act
    const mapping = mapColumns('residence-registration', [
      '身份证号',
      '公民身份号码',
      '居住证号',
      '居住地址',
      'address.detail',
      '',
      '入住日期',
    ]);

    // Assess
    expect(mapping.ok).toBe(false);
    if (mapping.ok) return;
    expect(mapping.problems.map((p) => [p.column, p.header, p.code])).toStrictEqual([
      ['B', '公民身份号码', 'COLUMN_DUPLICATE'],
      ['C', '居住证号', 'COLUMN_UNKNOWN'],
      ['E', 'address.detail', 'COLUMN_DUPLICATE'],
      ['', '', 'COLUMN_MISSING'],
      ['', '', 'COLUMN_MISSING'],
    ]);
    expect(mapping.problems[3]?.message).toBe(
      'No column gives person.name, which residence-registration requires; name it by one of: person.name, 姓名.',
    );
    expect(mapping.accepted).toStrictEqual(acceptedHeaders('residence-registration'));
  });

  it('accepts, for every kind, every label of its alias table that names a field a cell can fill', () => {
    for (const kind of RECORD_KINDS) {
      const accepted = new Set(acceptedHeaders(kind));
      const topFields = Object.keys(RECORD_KIND_DEFINITIONS[kind].fields.shape);
      const flatLabels = [...RECORD_KIND_DEFINITIONS[kind].labels.keys()].filter(
        (label) => !topFields.some((field) => label.startsWith(`${field}.`)),
      );
      // Labels of whole objects that take no text (承租人 for the tenant) name no cell.
      const cellLabels = flatLabels.filter((label) => accepted.has(label));
      expect(cellLabels.length, kind).toBeGreaterThan(flatLabels.length / 2);
      for (const label of cellLabels) {
        const mapping = mapColumns(kind, [label]);
        const problems = mapping.ok ? [] : mapping.problems.filter((p) => p.code !== 'COLUMN_MISSING');
        expect(problems, `${kind}: ${label}`).toStrictEqual([]);
      }
    }
  });
});

describe('rowRecord', () => {
  it('builds the data object by canonical path, dates from date cells, blank cells left out', () => {
    // Arrange
    const columns = columnsOf(REGISTRATION_HEADERS);

    // Act
    const row = rowRecord(columns, [
      '330106199003071236',
      '张伟',
      '浙江省杭州市西湖区文三路90号3-2-301',
      ' ',
      new Date(Date.UTC(2024, 2, 1)),
    ]);

    // Assess
    expect(row).toStrictEqual({
      data: {
        person: { idNumber: '330106199003071236', name: '张伟' },
        address: '浙江省杭州市西湖区文三路90号3-2-301',
        movedInOn: '2024-03-01',
      },
      errors: [],
    });
    expect(normaliseRecord('residence-registration', { ...row.data, residenceType: 'rented' }).ok).toBe(true);
  });

  it('refuses an ID number the spreadsheet kept as a number or in scientific notation, and a cell under no header', () => {
    // Arrange
    const columns = columnsOf(REGISTRATION_HEADERS);

    // Act
    const fromXlsx = rowRecord(columns, [330106199003071200, '张伟', '文三路90号', '租赁房屋', '2024-03-01']);
    const fromCsv = rowRecord(columns, [
      '3.30106E+17',
      '张伟',
      '文三路90号',
      '租赁房屋',
      '2024-03-01',
      '多余',
    ]);

    // Assess
    expect(fromXlsx.errors.map((e) => [e.column, e.path, e.code])).toStrictEqual([
      ['公民身份号码', 'person.idNumber', 'ID_NUMBER_AS_NUMBER'],
    ]);
    expect(fromXlsx.data).toStrictEqual({
      person: { name: '张伟' },
      address: '文三路90号',
      residenceType: '租赁房屋',
      movedInOn: '2024-03-01',
    });
    expect(fromCsv.errors.map((e) => [e.column, e.path, e.code])).toStrictEqual([
      ['F', '', 'FIELD_UNKNOWN'],
      ['公民身份号码', 'person.idNumber', 'ID_NUMBER_AS_NUMBER'],
    ]);
  });

  it('keeps numbers of other columns as their digits (a phone typed as a number)', () => {
    // Arrange
    const columns = columnsOf([...REGISTRATION_HEADERS, '联系电话']);

    // Act
    const row = rowRecord(columns, [
      '330106199003071236',
      '张伟',
      '文三路90号',
      '租赁房屋',
      '2024-03-01',
      13812345678,
    ]);

    // Assess
    expect(row.data.person).toStrictEqual({
      idNumber: '330106199003071236',
      name: '张伟',
      phone: '13812345678',
    });
  });
});

describe('helpers', () => {
  it('names columns as the spreadsheet does', () => {
    expect([0, 1, 25, 26, 27, 51, 52, 701, 702].map(columnLetter)).toStrictEqual([
      'A',
      'B',
      'Z',
      'AA',
      'AB',
      'AZ',
      'BA',
      'ZZ',
      'AAA',
    ]);
  });

  it('finds the column of an error at the field or inside the object the column gives', () => {
    // Arrange
    const columns = columnsOf(REGISTRATION_HEADERS);
    const at = (path: string) => columnOfError(columns, { path, code: 'REQUIRED', message: '' });

    // Assess
    expect([at('person.idNumber'), at('address.divisionCode'), at('movedOutOn'), at('')]).toStrictEqual([
      '公民身份号码',
      '居住地址',
      '',
      '',
    ]);
  });

  it('tells an empty row from one with a value', () => {
    expect(isBlankRow(['', ' ', null, undefined])).toBe(true);
    expect(isBlankRow(['', 0])).toBe(false);
  });
});
