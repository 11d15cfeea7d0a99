import { canonicalText, isBlankText } from '../../values/text.ts';

/**
 * Alias tables: the labels a record kind accepts besides its canonical camelCase field names, and the
 * renamer that turns a submitted object into one keyed by canonical names only.
 *
 * A table maps each canonical field of an object to its labels. The entry of a nested object also gives
 * the table of its own fields (accepted inside the object) and, optionally, prefixes under which those
 * fields may appear flattened beside the record's own fields, as one-row forms do (`姓名`, `身份证号`
 * next to `入住日期`; `出租人姓名` for the landlord); a list of such objects has each item renamed. A
 * dotted key (`'school.name'`) gives extra top-level labels for a nested field.
 */
export type AliasTable = { readonly [field: string]: readonly string[] | NestedAliases };

export interface NestedAliases {
  /** Labels of the object itself, e.g. 居住地址 for `address`. */
  readonly labels?: readonly string[];
  /** Labels of the object's fields, accepted inside the object. */
  readonly fields: AliasTable;
  /** Prefixes under which the fields' labels are also accepted at the parent level ('' = as they are). */
  readonly flatPrefixes?: readonly string[];
  /** A plain string given for the object fills this field (an address text fills `detail`). */
  readonly textField?: string;
}

/** A field given twice under different names (canonical and label, or two labels). */
export interface AliasConflict {
  /** Canonical path of the field, e.g. ['person', 'idNumber']. */
  path: string[];
  /** The submitted keys that both named it. */
  keys: string[];
}

interface Level {
  /** Canonical field names of this object. */
  readonly fields: ReadonlySet<string>;
  /** Normalised label -> canonical path relative to this object (one or two segments). */
  readonly labels: ReadonlyMap<string, readonly string[]>;
  readonly children: ReadonlyMap<string, { level: Level; textField: string | undefined }>;
}

/** The longest key that can be a label; a longer one is an unknown field as it stands, never normalised. */
export const MAX_LABEL_LENGTH = 64;

const isMark = (code: number): boolean => code === 42 || code === 58; // '*' required mark, ':' colon

/**
 * Label spelling differences that carry no meaning: the canonical text's (invisible characters, full-width
 * forms), spaces, leading required marks, trailing marks and colons.
 */
export function normaliseLabel(key: string): string {
  const text = canonicalText(key).replaceAll(' ', '');
  let start = 0;
  while (start < text.length && text.charCodeAt(start) === 42) start++;
  let end = text.length;
  while (end > start && isMark(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

function addLabel(
  labels: Map<string, readonly string[]>,
  label: string,
  path: readonly string[],
  where: string,
) {
  const key = normaliseLabel(label);
  const existing = labels.get(key);
  if (existing !== undefined && existing.join('.') !== path.join('.')) {
    throw new Error(
      `Alias table${where}: label '${label}' names both ${existing.join('.')} and ${path.join('.')}`,
    );
  }
  labels.set(key, path);
}

function compileLevel(table: AliasTable, where = ''): Level {
  const fields = new Set<string>();
  const labels = new Map<string, readonly string[]>();
  const children = new Map<string, { level: Level; textField: string | undefined }>();
  for (const [field, entry] of Object.entries(table)) {
    if (field.includes('.')) {
      const path = field.split('.');
      for (const label of entry as readonly string[]) addLabel(labels, label, path, where);
      continue;
    }
    fields.add(field);
    if (isLabelList(entry)) {
      for (const label of entry) addLabel(labels, label, [field], where);
      continue;
    }
    for (const label of entry.labels ?? []) addLabel(labels, label, [field], where);
    children.set(field, {
      level: compileLevel(entry.fields, `${where}.${field}`),
      textField: entry.textField,
    });
    for (const prefix of entry.flatPrefixes ?? []) {
      for (const [childField, childEntry] of Object.entries(entry.fields)) {
        if (!isLabelList(childEntry) || childField.includes('.')) continue;
        for (const label of childEntry) {
          // 单位 + 单位名称 is just 单位名称.
          addLabel(labels, label.startsWith(prefix) ? label : prefix + label, [field, childField], where);
        }
      }
    }
  }
  for (const [label, path] of labels) {
    if (fields.has(label)) throw new Error(`Alias table${where}: label '${label}' is also a canonical field`);
    // Flattened values are merged into an object the renamer made itself, never into a submitted one.
    if (path.length > 1 && !children.has(path[0] as string)) {
      throw new Error(`Alias table${where}: '${label}' flattens into ${path[0]}, which has no nested entry`);
    }
  }
  return { fields, labels, children };
}

function isLabelList(entry: readonly string[] | NestedAliases): entry is readonly string[] {
  return Array.isArray(entry);
}

type Plain = Record<string, unknown>;

function isPlainObject(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * null, undefined and blank strings (whitespace and invisible characters only) count as absent: forms leave
 * empty cells for optional fields.
 */
function isBlank(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === 'string' && isBlankText(value));
}

/** An own property only: `out['__proto__']` must never reach Object.prototype (and merge into it). */
const own = (target: Plain, key: string): unknown => (Object.hasOwn(target, key) ? target[key] : undefined);

/** Sets an own property even for the key '__proto__', so it reaches the strict object as an unknown field. */
function setOwn(target: Plain, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
  } else {
    target[key] = value;
  }
}

const samePath = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((segment, i) => segment === b[i]);

class Renamer {
  readonly conflicts: AliasConflict[] = [];

  /** A fresh object with canonical keys (`at` is its canonical path); the input is never modified. */
  rename(input: Plain, level: Level, at: readonly string[]): Plain {
    const out: Plain = {};
    for (const key of Object.keys(input)) {
      const value = input[key];
      if (isBlank(value)) continue;
      const target = this.resolve(key, level);
      const field = target[0] as string;
      const childField = target[1];
      if (childField === undefined) {
        const child = level.children.get(field);
        const given = child === undefined ? value : this.nested(value, child, at, field);
        const existing = own(out, field);
        if (existing === undefined) {
          setOwn(out, field, given);
        } else if (isPlainObject(existing) && isPlainObject(given)) {
          // The object given whole and (some of) its fields flattened: merge, each field once.
          for (const innerKey of Object.keys(given)) {
            if (own(existing, innerKey) === undefined) setOwn(existing, innerKey, given[innerKey]);
            else this.conflict(input, level, at, [field, innerKey], `${key}.${innerKey}`);
          }
        } else {
          this.conflict(input, level, at, target, key);
        }
        continue;
      }
      let inner = own(out, field);
      if (inner === undefined) {
        inner = {};
        out[field] = inner;
      }
      // A non-object given for the parent fails on its own; the flattened field is then moot.
      if (!isPlainObject(inner)) continue;
      if (own(inner, childField) === undefined) setOwn(inner, childField, value);
      else this.conflict(input, level, at, target, key);
    }
    return out;
  }

  private resolve(key: string, level: Level): readonly string[] {
    if (level.fields.has(key)) return [key];
    const exact = level.labels.get(key);
    if (exact !== undefined) return exact;
    // Unknown keys stay as given so the strict object reports them (FIELD_UNKNOWN); so do keys too long to
    // be a name, which are never normalised.
    if (key.length > MAX_LABEL_LENGTH) return [key];
    // A canonical name or a label in another spelling (full-width, invisible characters, marks).
    const normalised = normaliseLabel(key);
    if (level.fields.has(normalised)) return [normalised];
    return level.labels.get(normalised) ?? [key];
  }

  private nested(
    value: unknown,
    child: { level: Level; textField: string | undefined },
    at: readonly string[],
    field: string,
  ): unknown {
    if (typeof value === 'string' && child.textField !== undefined) return { [child.textField]: value };
    // A list of such objects (a permit's endorsements): each item renamed with the same table.
    if (Array.isArray(value))
      return value.map((item, index) =>
        isPlainObject(item) ? this.rename(item, child.level, [...at, field, String(index)]) : item,
      );
    return isPlainObject(value) ? this.rename(value, child.level, [...at, field]) : value;
  }

  /** Records a field given twice; the first key is looked up only now, conflicts being rare. */
  private conflict(
    input: Plain,
    level: Level,
    at: readonly string[],
    target: readonly string[],
    key: string,
  ) {
    let first = target.join('.');
    for (const candidate of Object.keys(input)) {
      if (candidate === key || isBlank(input[candidate])) continue;
      const resolved = this.resolve(candidate, level);
      if (samePath(resolved, target)) first = candidate;
      else if (target.length === 2 && samePath(resolved, target.slice(0, 1)))
        first = `${candidate}.${target[1]}`;
      else continue;
      break;
    }
    this.conflicts.push({ path: [...at, ...target], keys: [first, key] });
  }
}

/** A compiled alias table: renames a submitted object's keys to the canonical names. */
export interface KeyRenamer {
  /** Returns the renamed copy (non-objects unchanged) and the fields that were given twice. */
  (input: unknown): { value: unknown; conflicts: AliasConflict[] };
  /** Every accepted label with its canonical path, for documentation (JSON Schema `x-aliases`). */
  readonly labels: ReadonlyMap<string, string>;
}

/** Compiles a table once (at module load); throws if two fields claim the same label. */
export function compileAliases(table: AliasTable): KeyRenamer {
  const root = compileLevel(table);
  const rename = (input: unknown) => {
    if (!isPlainObject(input)) return { value: input, conflicts: [] };
    const renamer = new Renamer();
    const value = renamer.rename(input, root, []);
    return { value, conflicts: renamer.conflicts };
  };
  return Object.assign(rename, { labels: listLabels(root, '') });
}

function listLabels(level: Level, prefix: string, out = new Map<string, string>()): Map<string, string> {
  for (const [label, path] of level.labels) {
    if (!out.has(prefix + label)) out.set(prefix + label, prefix + path.join('.'));
  }
  for (const [field, child] of level.children) listLabels(child.level, `${prefix}${field}.`, out);
  return out;
}
