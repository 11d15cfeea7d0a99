import { type CompiledInputTransformer, MAX_INPUT_PATHS, MAX_INPUT_TEMPLATE_LENGTH } from './compile.ts';

/*
 * What EventBridge does with the input transformers compile.ts emits, and nothing more: one implementation for
 * the local bus, the AsyncAPI samples and the tests. Anything compile never emits is refused loudly
 * (InputTransformerError), so a transformer that works locally is one that compile produced.
 * - InputPathsMap: at most 100 variables, names not starting with "AWS.", each path `$.a.b-c` in dot notation
 *   (API_InputTransformer). InputTemplate: 1 to 8192 characters, a JSON object.
 * - Each placeholder is used unquoted, as a JSON value, and is replaced by the value's JSON form: a string
 *   arrives quoted, an object or array as JSON (documented:
 *   https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html). The target gets
 *   the result minified (documented).
 * - A path missing from the event creates no variable (documented); its unquoted placeholder becomes `""`
 *   (recorded against AWS: localstack tests/aws/services/events/test_events_inputs.snapshot.json,
 *   test_put_events_with_input_transformer_input_template_json). The publisher therefore writes every projected
 *   path (events/subscriptions.ts projectedRecord), so this case only guards against a stray event.
 * - A JSON `null` value becomes `null`: the value's JSON form, as the documentation describes it for values in
 *   general; no AWS documentation page or AWS-recorded test shows a `null` value itself (assumed).
 */

export class InputTransformerError extends Error {
  override name = 'InputTransformerError';
}

const PLACEHOLDER = /<([^<>]*)>/g;
const PATH = /^\$(?:\.[A-Za-z0-9_-]+)+$/;
const MISSING = Symbol('missing');

/** Checks the transformer once, as PutTargets would, and returns the function that applies it to an event. */
export function compileInputTransformer(transformer: CompiledInputTransformer): (event: unknown) => string {
  const paths = new Map<string, string[]>();
  const entries = Object.entries(transformer.inputPathsMap);
  if (entries.length > MAX_INPUT_PATHS) {
    throw new InputTransformerError(
      `InputPathsMap has ${entries.length} entries, at most ${MAX_INPUT_PATHS}`,
    );
  }
  for (const [name, path] of entries) {
    if (name.toLowerCase().startsWith('aws.')) {
      throw new InputTransformerError(`InputPathsMap key "${name}" must not start with "AWS."`);
    }
    if (!PATH.test(path)) throw new InputTransformerError(`JSON path "${path}" is not $.<dot.notation>`);
    paths.set(name, path.split('.').slice(1));
  }
  const template = transformer.inputTemplate;
  if (template.length === 0 || template.length > MAX_INPUT_TEMPLATE_LENGTH) {
    throw new InputTransformerError(`InputTemplate must be 1 to ${MAX_INPUT_TEMPLATE_LENGTH} characters`);
  }
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1] as string;
    if (!paths.has(name))
      throw new InputTransformerError(`InputTemplate contains invalid placeholder ${name}.`);
    if (insideString(template, match.index)) {
      throw new InputTransformerError(
        `placeholder <${name}> is quoted; compile emits unquoted placeholders only`,
      );
    }
  }
  if (!isJsonObjectText(template.replace(PLACEHOLDER, 'null'))) {
    throw new InputTransformerError('InputTemplate must be a JSON object with placeholders as values');
  }

  return (event) => {
    const output = template.replace(PLACEHOLDER, (_, name: string) => {
      const value = read(typeof event === 'string' ? JSON.parse(event) : event, paths.get(name) ?? []);
      return value === MISSING ? '""' : JSON.stringify(value);
    });
    return JSON.stringify(JSON.parse(output));
  };
}

/** One-off transformation; compile once with `compileInputTransformer` where it is reused. */
export function applyInputTransformer(transformer: CompiledInputTransformer, event: unknown): string {
  return compileInputTransformer(transformer)(event);
}

function read(value: unknown, steps: readonly string[]): unknown {
  let current = value;
  for (const step of steps) {
    if (
      typeof current !== 'object' ||
      current === null ||
      Array.isArray(current) ||
      !Object.hasOwn(current, step)
    )
      return MISSING;
    current = (current as Record<string, unknown>)[step];
  }
  return current;
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

function isJsonObjectText(text: string): boolean {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  } catch {
    return false;
  }
}
