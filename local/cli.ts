import { Command, InvalidArgumentError } from 'commander';

/*
 * The local hub's command lines (npm start, token, evaluate, demo; bench too) on commander: `--help` prints the
 * usage and exits 0; an unknown flag, a missing or bad value, or a stray argument prints one `error:` line and
 * the usage to stderr and exits 2, never a stack trace.
 */

/** A program named as it is typed (`npm run -s token --`), so its usage line can be copied. */
export function program(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .showHelpAfterError()
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));
}

/** An option parser for an integer from `min` to `max`. */
export const integerIn =
  (min: number, max: number) =>
  (text: string): number => {
    const value = Number(text);
    if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max)
      throw new InvalidArgumentError(`Must be a whole number from ${min} to ${max}.`);
    return value;
  };

/** An option parser for a calendar day `YYYY-MM-DD`. */
export function calendarDay(text: string): string {
  const day = new Date(`${text}T00:00:00Z`);
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(text) ||
    Number.isNaN(day.getTime()) ||
    day.toISOString().slice(0, 10) !== text
  )
    throw new InvalidArgumentError('Must be a day YYYY-MM-DD.');
  return text;
}
