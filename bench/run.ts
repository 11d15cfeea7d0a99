// `node bench/run.ts [records]`: runs every benchmark in order. Add new ones to BENCHES.
import { benchNormalise } from './normalise.ts';

/** Each bench takes an optional record count and prints its own figures. */
export const BENCHES: readonly ((n?: number) => Promise<unknown>)[] = [benchNormalise];

if (import.meta.main) {
  const n = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  for (const bench of BENCHES) await bench(n);
}
