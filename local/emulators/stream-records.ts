import { randomUUID } from 'node:crypto';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';

// Builds DynamoDB Streams records (as Lambda receives them) from the images the stream tap read
// before and after a write. Images are in DynamoDB's JSON wire shape, exactly as Lambda gets them.

export type Item = Record<string, AttributeValue>;

export interface ItemChange {
  tableName: string;
  keys: Item;
  oldImage: Item | undefined;
  newImage: Item | undefined;
}

export interface StreamRecordFactory {
  /** The record for a change, or undefined when nothing changed (as DynamoDB Streams does). */
  toRecord(change: ItemChange, eventSourceArn: string): DynamoDBRecord | undefined;
}

/** Lambda's stream record format version for DynamoDB. */
const EVENT_VERSION = '1.1';
/** DynamoDB's SequenceNumber is 21 to 40 digits. */
const SEQUENCE_DIGITS = 21;

/** `after`: the last sequence number an earlier run used (its journal's), which new ones must exceed. */
export function createStreamRecordFactory(region: string, after?: string): StreamRecordFactory {
  // Start from the clock so numbers keep increasing across restarts of a persistent hub.
  const clock = BigInt(Date.now()) * 10_000_000n;
  let sequence = after !== undefined && BigInt(after) > clock ? BigInt(after) : clock;
  return {
    toRecord({ keys, oldImage, newImage }, eventSourceArn) {
      const eventName = eventNameOf(oldImage, newImage);
      if (!eventName) return undefined;
      sequence += 1n;
      return {
        eventID: randomUUID().replaceAll('-', ''),
        eventName,
        eventVersion: EVENT_VERSION,
        eventSource: 'aws:dynamodb',
        awsRegion: region,
        dynamodb: {
          ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
          Keys: keys,
          ...(newImage && { NewImage: newImage }),
          ...(oldImage && { OldImage: oldImage }),
          SequenceNumber: sequence.toString().padStart(SEQUENCE_DIGITS, '0'),
          SizeBytes: itemSize(keys) + itemSize(newImage) + itemSize(oldImage),
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
        eventSourceARN: eventSourceArn,
      };
    },
  };
}

/** INSERT, MODIFY or REMOVE; undefined when the write left the item as it was. */
export function eventNameOf(
  oldImage: Item | undefined,
  newImage: Item | undefined,
): 'INSERT' | 'MODIFY' | 'REMOVE' | undefined {
  if (!oldImage) return newImage ? 'INSERT' : undefined;
  if (!newImage) return 'REMOVE';
  return sameItem(oldImage, newImage) ? undefined : 'MODIFY';
}

/** Equality of items by value: attribute order and set member order do not matter. */
export function sameItem(a: Item, b: Item): boolean {
  return sameMap(a, b);
}

// Compared in place, stopping at the first difference: big items are compared on every write.
function sameMap(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const names = Object.keys(a);
  if (names.length !== Object.keys(b).length) return false;
  return names.every((name) => Object.hasOwn(b, name) && sameValue(a[name], b[name]));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (!isRecord(a) || !isRecord(b)) return a === b;
  const types = Object.keys(a);
  if (types.length !== 1 || Object.keys(b).length !== 1) return sameJson(a, b);
  const type = types[0] as string;
  const [left, right] = [a[type], b[type]];
  if (!Object.hasOwn(b, type)) return false;
  switch (type) {
    case 'M':
      return isRecord(left) && isRecord(right) ? sameMap(left, right) : sameJson(left, right);
    case 'L':
      return Array.isArray(left) && Array.isArray(right)
        ? left.length === right.length && left.every((member, index) => sameValue(member, right[index]))
        : sameJson(left, right);
    case 'SS':
    case 'NS':
    case 'BS':
      return Array.isArray(left) && Array.isArray(right) ? sameSet(left, right) : sameJson(left, right);
    default:
      return left === right;
  }
}

function sameSet(a: unknown[], b: unknown[]): boolean {
  if (a.length !== b.length) return false;
  const members = new Set(a);
  return b.every((member) => members.has(member));
}

/** Anything not shaped like an attribute value: compared as its canonical JSON. */
function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isRecord(value)) {
    const entries = Object.entries(value).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonical(member)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Approximate size in bytes, following DynamoDB's item size rules. */
function itemSize(item: Item | undefined): number {
  if (!item) return 0;
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += Buffer.byteLength(name) + attributeSize(value);
  return size;
}

function attributeSize(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return Buffer.from(value.B, 'base64').length;
  if (value.SS !== undefined) return value.SS.reduce((sum, member) => sum + Buffer.byteLength(member), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, member) => sum + numberSize(member), 0);
  if (value.BS !== undefined) {
    return value.BS.reduce((sum, member) => sum + Buffer.from(member, 'base64').length, 0);
  }
  if (value.L !== undefined) return value.L.reduce((sum, member) => sum + 1 + attributeSize(member), 3);
  if (value.M !== undefined) return 3 + itemSize(value.M) + Object.keys(value.M).length;
  return 1; // BOOL, NULL
}

function numberSize(number: string): number {
  const digits = number.replace(/^-/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(digits.length / 2) + 1 + (number.startsWith('-') ? 1 : 0);
}
