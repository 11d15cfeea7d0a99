// Shared fast-check arbitraries and fixtures for the value-type tests. The ID oracle below is written
// from DOMAIN.md independently of schemas/values/id-number.ts.
import fc from 'fast-check';

/** A fixed "now" for every test that depends on today: 2025-06-01 12:00 China Standard Time. */
export const FIXED_NOW = Date.UTC(2025, 5, 1, 4, 0, 0);
export const FIXED_TODAY = '2025-06-01';

export const ID_PROVINCES = [
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '81',
  '82',
];

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** GB 11643 check character, straight from the standard's formula. */
export function oracleCheckCharacter(first17: string): string {
  const sum = [...first17].reduce((acc, digit, i) => acc + Number(digit) * (ID_WEIGHTS[i] ?? 0), 0);
  return '10X98765432'.charAt(sum % 11);
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

const yyyymmdd = (date: Date): string =>
  `${date.getUTCFullYear()}${pad(date.getUTCMonth() + 1, 2)}${pad(date.getUTCDate(), 2)}`;

/** Real birth dates from 1900 up to the day before FIXED_TODAY. */
export const pastBirthDate = fc.date({
  min: new Date(Date.UTC(1900, 0, 1)),
  max: new Date(Date.UTC(2025, 4, 31)),
  noInvalidDate: true,
});

/** Valid 18-character ID numbers: real province, 4 area digits, past birth date, sequence, computed check. */
export const validIdNumber = fc
  .tuple(
    fc.constantFrom(...ID_PROVINCES),
    fc.integer({ min: 0, max: 9999 }),
    pastBirthDate,
    fc.integer({ min: 0, max: 999 }),
  )
  .map(([province, area, birth, sequence]) => {
    const first17 = `${province}${pad(area, 4)}${yyyymmdd(birth)}${pad(sequence, 3)}`;
    return first17 + oracleCheckCharacter(first17);
  });

const toFullWidth = (ch: string): string =>
  ch >= '!' && ch <= '~' ? String.fromCharCode(ch.charCodeAt(0) + 0xfee0) : ch === ' ' ? '\u3000' : ch;

/**
 * Dirty spellings of a code made of digits and letters: some characters full-width or lower-case,
 * spaces and hyphens between some of them.
 */
export function dirtied(value: string): fc.Arbitrary<string> {
  return fc
    .array(fc.tuple(fc.boolean(), fc.boolean(), fc.constantFrom('', '', '', ' ', '-', '\u3000', '－')), {
      minLength: value.length,
      maxLength: value.length,
    })
    .map((choices) =>
      [...value]
        .map((ch, i) => {
          const [wide, lower, separator] = choices[i] ?? [false, false, ''];
          const cased = lower ? ch.toLowerCase() : ch;
          return (wide ? toFullWidth(cased) : cased) + separator;
        })
        .join(''),
    );
}

export const fullWidth = (value: string): string => [...value].map(toFullWidth).join('');
