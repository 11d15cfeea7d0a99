import { PassThrough } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { CellValue } from '#schemas/tabular.ts';
import { idNumberFor } from './sample-people.ts';

// Files as registers are kept: CSV exported by Excel (UTF-8 with BOM, or GBK/GB18030) and XLSX workbooks with
// date cells, numbers and several sheets, built in memory by the same libraries such files come from.

export const REGISTRATION_HEADERS = ['公民身份号码', '姓名', '居住地址', '居住类型', '入住日期'];

/** A valid residence registration row for person `n` (a distinct person per n), in Xihu district. */
export function registrationRow(n: number): string[] {
  return [
    idNumberFor('330106', `19${70 + (n % 30)}-0${1 + (n % 9)}-1${n % 10}`, 100 + (n % 800)),
    ['张伟', '王芳', '李娜', '阿依古丽·买买提'][n % 4] as string,
    `浙江省杭州市西湖区文三路${n}号3-2-301`,
    '租赁房屋',
    '2024-03-01',
  ];
}

/** CSV text as Excel writes it: every field that needs it quoted, CRLF line ends. */
export function csvText(rows: readonly (readonly CellValue[])[]): string {
  return stringify(rows as CellValue[][], { record_delimiter: 'windows' });
}

/** CSV bytes: UTF-8 with a BOM ("CSV UTF-8" in Excel), UTF-8 without, or GB18030 (Excel's "CSV" in China). */
export function csvFile(
  rows: readonly (readonly CellValue[])[],
  encoding: 'utf-8-bom' | 'utf-8' | 'gb18030',
): Buffer {
  const text = csvText(rows);
  if (encoding === 'gb18030') return iconv.encode(text, 'gb18030');
  return Buffer.concat([Buffer.from(encoding === 'utf-8-bom' ? '\uFEFF' : ''), Buffer.from(text)]);
}

export interface Sheet {
  name: string;
  /** Rows from row 1; `null` for an empty row. Dates become date cells, numbers number cells. */
  rows: readonly (readonly CellValue[] | null)[];
}

/** An .xlsx workbook (exceljs's streaming writer, shared strings and styles as Excel writes them). */
export async function xlsxFile(sheets: readonly Sheet[]): Promise<Buffer> {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise((resolve) => sink.on('end', resolve));
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: sink,
    useSharedStrings: true,
    useStyles: true,
  });
  for (const sheet of sheets) {
    const worksheet = workbook.addWorksheet(sheet.name);
    sheet.rows.forEach((cells, index) => {
      if (cells === null) return;
      const row = worksheet.getRow(index + 1);
      cells.forEach((value, column) => {
        const cell = row.getCell(column + 1);
        cell.value = value ?? null;
        if (value instanceof Date) cell.numFmt = 'yyyy-mm-dd';
      });
      row.commit();
    });
    await worksheet.commit();
  }
  await workbook.commit();
  await done;
  return Buffer.concat(chunks);
}
