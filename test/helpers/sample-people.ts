import { checkCharacter } from '#schemas/values/id-number.ts';

/** A valid 18-character ID number for a birth date and sequence (odd = male), with its computed check character. */
export function idNumberFor(division: string, birthDate: string, sequence: number): string {
  const first17 = `${division}${birthDate.replaceAll('-', '')}${String(sequence).padStart(3, '0')}`;
  return `${first17}${checkCharacter(first17)}`;
}
