import type { Message } from '@aws-sdk/client-sqs';
import { maskPersonalData } from '#domain/mask.ts';

const FIGURE = /^(-|-?\d[\d.,]*( ?(ms|s))?)$/;

/** A plain-text table: columns of figures right-aligned, others left-aligned. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const figures = header.map(
    (_, column) => rows.length > 0 && rows.every((row) => FIGURE.test(row[column] ?? '')),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        figures[column] ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** Parses a queue message body (JSON) for printing, personal data masked; a non-JSON body is not printed. */
export function maskedBody(message: Message): unknown {
  try {
    return maskPersonalData(JSON.parse(message.Body ?? ''));
  } catch {
    return `<${(message.Body ?? '').length} characters, not JSON>`;
  }
}
