// The account and partition the local emulators write into ARNs. A module of its own, free of the SDK, so
// the DynamoDB emulator's thread can use it without loading any client.

/** Account id the emulators put in ARNs (fauxqs and our stream tap agree on it). */
export const LOCAL_ACCOUNT_ID = '000000000000';

/** `aws-cn` for the China regions, `aws` otherwise, so local ARNs look like the deployed ones. */
export function partitionOf(region: string): string {
  return region.startsWith('cn-') ? 'aws-cn' : 'aws';
}
