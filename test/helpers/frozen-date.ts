import { vi } from 'vitest';

/**
 * Freezes the system date at `now` for what checks "not in the future" (schemas/values/date.ts reads the
 * system clock); only Date is faked, so timers and promises run as usual. `thawDate` restores it.
 */
export function freezeDate(now: Date | number): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(now);
}

export function thawDate(): void {
  vi.useRealTimers();
}
