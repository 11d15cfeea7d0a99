import { InputTransformerError } from './errors.ts';
import {
  isJsonNumber,
  isJsonObject,
  type JsonValue,
  minifyJson,
  numberText,
  parseJson,
  stringifyJson,
} from './json.ts';
import { MISSING, type PathStep, parseJsonPath, readJsonPath } from './json-path.ts';

/*
 * EventBridge input transformation, as documented
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html,
 *  https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_InputTransformer.html):
 * - Up to 100 variables (InputPathsMap), keys not starting with "AWS."; the reserved variables
 *   aws.events.rule-arn, aws.events.rule-name, aws.events.event.ingestion-time, aws.events.event (the event
 *   without `detail`) and aws.events.event.json (the whole event) need no path. InputTemplate <= 8192 chars.
 *   A placeholder that is neither defined nor reserved is rejected, as PutTargets does
 *   ("InputTemplate for target … contains invalid placeholder …").
 * - In a template that is JSON (starts with `{` or `[`), a placeholder outside quotes is replaced by the
 *   value's JSON form (a string arrives quoted, numbers/booleans/null bare, objects/arrays as JSON); a placeholder
 *   inside a quoted string is pasted as raw text, NOT escaped. The result is passed minified; if it is not
 *   valid JSON (e.g. a raw value containing a quote) the delivery fails (InputTransformerError here).
 * - Any other template (a quoted string, plain text) is delivered as written, with raw values pasted in
 *   (`"instance <instance> is in <state>"` -> `"instance i-0123456789 is in RUNNING"`, quotes included).
 * - A path missing from the event yields no value: nothing in text, and `""` for an unquoted JSON placeholder
 *   (AWS-recorded parity snapshots in localstack's tests/aws/services/events/test_events_inputs.snapshot.json).
 * - Assumed, not documented: a JSON `null` in the event is written as `null` unquoted and `null` in text.
 */

export interface InputTransformer {
  inputPathsMap?: Readonly<Record<string, string>>;
  inputTemplate: string;
}

export interface TransformContext {
  ruleName: string;
  ruleArn: string;
}

export const MAX_INPUT_PATHS = 100;
export const MAX_INPUT_TEMPLATE_LENGTH = 8192;
export const RESERVED_VARIABLES = [
  'aws.events.rule-arn',
  'aws.events.rule-name',
  'aws.events.event.ingestion-time',
  'aws.events.event',
  'aws.events.event.json',
] as const;
const PLACEHOLDER = /<([^<>]*)>/g;

export interface CompiledInputTransformer {
  /** The exact target input EventBridge would deliver for `event` (an event object or its JSON text). */
  apply(event: unknown, context: TransformContext): string;
}

/** Validates once (as PutTargets would); throws InputTransformerError. */
export function compileInputTransformer(transformer: InputTransformer): CompiledInputTransformer {
  const paths = new Map<string, PathStep[]>();
  const entries = Object.entries(transformer.inputPathsMap ?? {});
  if (entries.length > MAX_INPUT_PATHS) {
    throw new InputTransformerError(
      `InputPathsMap has ${entries.length} entries, at most ${MAX_INPUT_PATHS} allowed`,
    );
  }
  for (const [name, path] of entries) {
    if (name.toLowerCase().startsWith('aws.')) {
      throw new InputTransformerError(`InputPathsMap key "${name}" must not start with "AWS."`);
    }
    paths.set(name, parseJsonPath(path));
  }
  const template = transformer.inputTemplate;
  if (template.length === 0 || template.length > MAX_INPUT_TEMPLATE_LENGTH) {
    throw new InputTransformerError(`InputTemplate must be 1 to ${MAX_INPUT_TEMPLATE_LENGTH} characters`);
  }
  for (const [, name] of template.matchAll(PLACEHOLDER)) {
    if (!paths.has(name as string) && !(RESERVED_VARIABLES as readonly string[]).includes(name as string)) {
      throw new InputTransformerError(`InputTemplate contains invalid placeholder ${name}.`);
    }
  }
  const isJsonTemplate = /^\s*[{[]/.test(template);
  const parts = splitTemplate(template, isJsonTemplate);

  return {
    apply(event: unknown, context: TransformContext): string {
      const parsed = toJsonValue(event);
      const values = (name: string): JsonValue | typeof MISSING => {
        const steps = paths.get(name);
        return steps === undefined ? reservedValue(name, parsed, context) : readJsonPath(parsed, steps);
      };
      const output = parts
        .map((part) =>
          part.type === 'text'
            ? part.text
            : part.quoted
              ? rawForm(values(part.name))
              : jsonForm(values(part.name)),
        )
        .join('');
      if (!isJsonTemplate) return output;
      const minified = minifyJson(output);
      try {
        JSON.parse(minified);
      } catch {
        // Never echo the output: it carries personal data.
        throw new InputTransformerError(
          'the transformed input is not valid JSON (a quoted placeholder with a quote?)',
        );
      }
      return minified;
    },
  };
}

/** One-off transformation; compile once with `compileInputTransformer` where it is reused. */
export function applyInputTransformer(
  transformer: InputTransformer,
  event: unknown,
  context: TransformContext = {
    ruleName: 'local-rule',
    ruleArn: 'arn:aws:events:local:000000000000:rule/local-rule',
  },
): string {
  return compileInputTransformer(transformer).apply(event, context);
}

type TemplatePart = { type: 'text'; text: string } | { type: 'placeholder'; name: string; quoted: boolean };

/** Splits the template at placeholders, noting for each whether it sits inside a JSON string literal. */
function splitTemplate(template: string, isJsonTemplate: boolean): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const start = match.index;
    if (start > last) parts.push({ type: 'text', text: template.slice(last, start) });
    const quoted = !isJsonTemplate || insideString(template, start);
    parts.push({ type: 'placeholder', name: match[1] as string, quoted });
    last = start + match[0].length;
  }
  if (last < template.length) parts.push({ type: 'text', text: template.slice(last) });
  return parts;
}

function insideString(template: string, end: number): boolean {
  let inString = false;
  for (let i = 0; i < end; i++) {
    const char = template[i];
    if (inString && char === '\\') i++;
    else if (char === '"') inString = !inString;
  }
  return inString;
}

function toJsonValue(event: unknown): JsonValue {
  if (typeof event === 'string') return parseJson(event);
  return event as JsonValue;
}

function reservedValue(
  name: string,
  event: JsonValue,
  context: TransformContext,
): JsonValue | typeof MISSING {
  switch (name) {
    case 'aws.events.rule-name':
      return context.ruleName;
    case 'aws.events.rule-arn':
      return context.ruleArn;
    case 'aws.events.event.ingestion-time':
      return isJsonObject(event) && typeof event.time === 'string' ? event.time : MISSING;
    case 'aws.events.event': {
      // The event without its detail; AWS writes detail-type as `detailType` here (AWS-recorded snapshot).
      if (!isJsonObject(event)) return MISSING;
      const envelope: { [key: string]: JsonValue } = {};
      for (const [key, value] of Object.entries(event)) {
        if (key !== 'detail') envelope[key === 'detail-type' ? 'detailType' : key] = value;
      }
      return envelope;
    }
    case 'aws.events.event.json':
      return event;
    default:
      return MISSING;
  }
}

/** The value's JSON form, for a placeholder used as a JSON value. */
function jsonForm(value: JsonValue | typeof MISSING): string {
  if (value === MISSING) return '""';
  if (isJsonNumber(value)) return numberText(value);
  return stringifyJson(value);
}

/** The value as raw text, for a placeholder inside a string or a text template. */
function rawForm(value: JsonValue | typeof MISSING): string {
  if (value === MISSING) return '';
  if (typeof value === 'string') return value;
  if (isJsonNumber(value)) return numberText(value);
  return stringifyJson(value);
}
