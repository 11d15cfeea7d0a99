import { Readable } from 'node:stream';
import officeCrypto from 'officecrypto-tool';
import { describe, expect, it } from 'vitest';
import { CSV_CONTENT_TYPE, type ImportEncoding, XLSX_CONTENT_TYPE } from '#api/import-api.ts';
import { FileProblem, readTable, type TableRow } from '#functions/imports/table-file.ts';
import { csvFile, REGISTRATION_HEADERS, registrationRow, xlsxFile } from '../../helpers/import-files.ts';

/** The file as a stream of `chunkSize`-byte chunks, so characters and cells are split across chunks. */
const chunked = (bytes: Buffer, chunkSize: number) => async () =>
  Readable.from(
    Array.from({ length: Math.ceil(bytes.length / chunkSize) }, (_, i) =>
      bytes.subarray(i * chunkSize, (i + 1) * chunkSize),
    ),
  );

async function rowsOf(
  bytes: Buffer,
  contentType: string,
  options: { encoding?: ImportEncoding; sheet?: string; chunkSize?: number } = {},
): Promise<TableRow[]> {
  const rows: TableRow[] = [];
  const file = {
    contentType: contentType as typeof CSV_CONTENT_TYPE,
    encoding: options.encoding,
    sheet: options.sheet,
    open: chunked(bytes, options.chunkSize ?? 7),
  };
  for await (const row of readTable(file)) rows.push(row);
  return rows;
}

async function problemOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FileProblem);
  return { code: (error as FileProblem).code, message: (error as FileProblem).message };
}

const ROWS = [
  REGISTRATION_HEADERS,
  registrationRow(1),
  ['330106199003071236', '张伟', '文三路90号,\n3幢"2"单元', '', ''],
];

describe('CSV', () => {
  it.each([
    ['UTF-8 with BOM', 'utf-8-bom'],
    ['UTF-8 without BOM', 'utf-8'],
    ['GB18030, detected', 'gb18030'],
  ] as const)(
    'reads %s, quoted fields with commas, quotes and newlines, as rows numbered as Excel does',
    async (_, encoding) => {
      // Act
      const rows = await rowsOf(csvFile([...ROWS, [], registrationRow(2)], encoding), CSV_CONTENT_TYPE);

      // Assess
      expect(rows).toStrictEqual([
        { number: 1, cells: REGISTRATION_HEADERS },
        { number: 2, cells: registrationRow(1) },
        { number: 3, cells: ['330106199003071236', '张伟', '文三路90号,\n3幢"2"单元', '', ''] },
        { number: 4, cells: [''] },
        { number: 5, cells: registrationRow(2) },
      ]);
    },
  );

  it('reads GB18030 when named, and refuses bytes that are not text in the named encoding', async () => {
    // Arrange
    const gbk = csvFile(ROWS, 'gb18030');

    // Act
    const named = await rowsOf(gbk, CSV_CONTENT_TYPE, { encoding: 'gb18030', chunkSize: 1 });
    const wrong = await problemOf(rowsOf(gbk, CSV_CONTENT_TYPE, { encoding: 'utf-8' }));

    // Assess
    expect(named.map((r) => r.cells[1])).toStrictEqual(['姓名', '王芳', '张伟']);
    expect(wrong.code).toBe('FILE_ENCODING');
  });

  it('refuses an empty file and a workbook sent as CSV', async () => {
    expect((await problemOf(rowsOf(Buffer.alloc(0), CSV_CONTENT_TYPE))).code).toBe('FILE_EMPTY');
    const workbook = await xlsxFile([{ name: 'Sheet1', rows: ROWS }]);
    expect((await problemOf(rowsOf(workbook, CSV_CONTENT_TYPE))).code).toBe('FILE_TYPE_MISMATCH');
  });

  it('refuses a CSV whose quotes never close', async () => {
    const broken = Buffer.from('公民身份号码,姓名\n"330106199003071236,张伟\n');
    expect((await problemOf(rowsOf(broken, CSV_CONTENT_TYPE))).code).toBe('FILE_CORRUPT');
  });
});

describe('XLSX', () => {
  const registrations = {
    name: '登记',
    rows: [
      REGISTRATION_HEADERS,
      ['330106199003071236', '张伟', '文三路90号', '租赁房屋', new Date(Date.UTC(2024, 2, 1))],
      null,
      [330106199003071200, '李娜', '文三路91号', '租赁房屋', '2024-03-01'], // 330106199003071236 in a number cell
    ],
  };

  it('reads the first sheet unless one is named: date cells as dates, number cells as numbers, empty rows skipped', async () => {
    // Arrange
    const workbook = await xlsxFile([registrations, { name: '说明', rows: [['本表为示例']] }]);

    // Act
    const first = await rowsOf(workbook, XLSX_CONTENT_TYPE, { chunkSize: 1000 });
    const named = await rowsOf(workbook, XLSX_CONTENT_TYPE, { sheet: '说明' });

    // Assess
    expect(first).toStrictEqual([
      { number: 1, cells: REGISTRATION_HEADERS },
      {
        number: 2,
        cells: ['330106199003071236', '张伟', '文三路90号', '租赁房屋', new Date(Date.UTC(2024, 2, 1))],
      },
      { number: 4, cells: [330106199003071200, '李娜', '文三路91号', '租赁房屋', '2024-03-01'] },
    ]);
    expect(named).toStrictEqual([{ number: 1, cells: ['本表为示例'] }]);
  });

  it('names the sheets it has when the named one is missing', async () => {
    const workbook = await xlsxFile([registrations, { name: '说明', rows: [['x']] }]);
    expect(await problemOf(rowsOf(workbook, XLSX_CONTENT_TYPE, { sheet: 'Sheet9' }))).toStrictEqual({
      code: 'SHEET_NOT_FOUND',
      message: 'The workbook has no sheet "Sheet9"; its sheets: "登记", "说明".',
    });
  });

  it('refuses a password-protected workbook, a damaged one and a CSV sent as a workbook', async () => {
    // Arrange
    const workbook = await xlsxFile([registrations]);
    const encrypted = await officeCrypto.encrypt(workbook, { password: 'secret' });
    const truncated = workbook.subarray(0, Math.floor(workbook.length / 2));

    // Assess
    expect((await problemOf(rowsOf(encrypted, XLSX_CONTENT_TYPE))).code).toBe('FILE_ENCRYPTED');
    expect((await problemOf(rowsOf(truncated, XLSX_CONTENT_TYPE))).code).toBe('FILE_CORRUPT');
    expect((await problemOf(rowsOf(csvFile(ROWS, 'utf-8'), XLSX_CONTENT_TYPE))).code).toBe(
      'FILE_TYPE_MISMATCH',
    );
  });
});
