/*
 * JSON that keeps each number's source text. EventBridge matches numbers by their string representation
 * ("300, 300.0, and 3.0e2 are not considered equal",
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern.html), which JSON.parse loses;
 * Node 24's JSON.parse source access and JSON.rawJSON keep it.
 */

/** A JSON number and the exact text it was written as. Any JSON.stringify writes it as that text. */
export class JsonNumber {
  readonly value: number;
  readonly source: string;
  constructor(value: number, source: string) {
    this.value = value;
    this.source = source;
  }
  toJSON(): unknown {
    return rawJson(this.source);
  }
}

export type JsonValue =
  | null
  | boolean
  | string
  | number
  | JsonNumber
  | JsonValue[]
  | { [key: string]: JsonValue };

type SourceReviver = (key: string, value: unknown, context?: { source?: string }) => unknown;
type RawJson = (text: string) => unknown;
const rawJson = (JSON as unknown as { rawJSON: RawJson }).rawJSON;

const keepNumberSource: SourceReviver = (_key, value, context) =>
  typeof value === 'number' ? new JsonNumber(value, context?.source ?? JSON.stringify(value)) : value;

/** JSON.parse, with numbers as `JsonNumber`. Throws SyntaxError on malformed text. */
export function parseJson(text: string): JsonValue {
  return JSON.parse(text, keepNumberSource as Parameters<typeof JSON.parse>[1]) as JsonValue;
}

/** Minified JSON; a `JsonNumber` is written as its source text (its toJSON). */
export function stringifyJson(value: unknown): string {
  return JSON.stringify(value) as string;
}

export function isJsonNumber(value: unknown): value is number | JsonNumber {
  return typeof value === 'number' || value instanceof JsonNumber;
}

/** The number's text as EventBridge compares it. */
export function numberText(value: number | JsonNumber): string {
  return value instanceof JsonNumber ? value.source : JSON.stringify(value);
}

export function numberValue(value: number | JsonNumber): number {
  return value instanceof JsonNumber ? value.value : value;
}

export function isJsonObject(value: unknown): value is { [key: string]: JsonValue } {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof JsonNumber)
  );
}

/** Removes whitespace outside string literals, leaving everything else byte for byte. */
export function minifyJson(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (inString) {
      out += char;
      if (char === '\\') {
        out += text[i + 1] ?? '';
        i++;
      } else if (char === '"') {
        inString = false;
      }
    } else if (char === '"') {
      inString = true;
      out += char;
    } else if (!/\s/.test(char)) {
      out += char;
    }
  }
  return out;
}
