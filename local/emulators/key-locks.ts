// Per-key mutual exclusion as promise chains: each acquirer waits for the previous holder of the
// same key. Several keys are taken in sorted order, so two multi-key holders can never deadlock.

export type Release = () => void;

export interface KeyLocks {
  /** Waits for every key, taken in sorted order; the release frees them all. */
  acquireAll(keys: readonly string[]): Promise<Release>;
}

export function createKeyLocks(): KeyLocks {
  const tails = new Map<string, Promise<void>>();

  async function acquire(key: string): Promise<Release> {
    const previous = tails.get(key) ?? Promise.resolve();
    let release: Release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => held);
    tails.set(key, tail);
    await previous;
    return () => {
      release();
      if (tails.get(key) === tail) tails.delete(key);
    };
  }

  return {
    async acquireAll(keys) {
      const releases: Release[] = [];
      for (const key of [...new Set(keys)].sort()) releases.push(await acquire(key));
      return () => {
        for (const release of releases.reverse()) release();
      };
    },
  };
}
