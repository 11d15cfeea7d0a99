// The account and partition the local emulators write into ARNs, and the signature they accept. A module of
// its own, free of the SDK, so the DynamoDB emulator's thread can use it without loading any client.

/** Account id the emulators put in ARNs (fauxqs and our stream tap agree on it). */
export const LOCAL_ACCOUNT_ID = '000000000000';

/** `aws-cn` for the China regions, `aws` otherwise, so local ARNs look like the deployed ones. */
export function partitionOf(region: string): string {
  return region.startsWith('cn-') ? 'aws-cn' : 'aws';
}

/** What the emulators read of a signature: its shape and the region of its credential scope. */
export function emulatorAuthorization(region: string, service: string): Record<string, string> {
  return {
    authorization: `AWS4-HMAC-SHA256 Credential=local/20000101/${region}/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=0`,
    'x-amz-date': '20000101T000000Z',
  };
}
