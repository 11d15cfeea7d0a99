import { Command, InvalidArgumentError } from 'commander';

/*
 * The scripts' command lines (npm run docs, npm run capacity) on commander, configured as the local hub's
 * (local/cli.ts; the two folders do not import each other): `--help` prints the usage and exits 0; an unknown
 * flag, a bad value or a stray argument prints one `error:` line and the usage to stderr and exits 2.
 */

/** A program named as it is typed (`npm run -s capacity --`), so its usage line can be copied. */
export function program(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .showHelpAfterError()
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));
}

/** An option parser for a positive number up to `max`, a whole one if `integer`. */
export const positiveNumber =
  (max = Number.POSITIVE_INFINITY, integer = false) =>
  (text: string): number => {
    const value = Number(text);
    if (!/^\d+(\.\d+)?$/.test(text) || value <= 0 || value > max || (integer && !Number.isInteger(value)))
      throw new InvalidArgumentError(
        `Must be a positive ${integer ? 'whole number' : 'number'}${Number.isFinite(max) ? ` up to ${max}` : ''}.`,
      );
    return value;
  };
