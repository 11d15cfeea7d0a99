import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import chromium, { inflate } from '@sparticuz/chromium';
import puppeteer, { type Browser } from 'puppeteer-core';

/*
 * Headless Chromium for the browser tests, from npm alone: @sparticuz/chromium ships a Chromium build inside
 * the package (built for Amazon Linux, it runs on glibc Linux x64) and unpacks it to the temporary folder on
 * first use. The NSS libraries it links come from the same package (its al2023 archive), so the browser
 * needs nothing installed on the machine; no browser is downloaded from anywhere.
 */

const PACKAGE_BIN = fileURLToPath(new URL('../../node_modules/@sparticuz/chromium/bin/', import.meta.url));

export async function launchBrowser(): Promise<Browser> {
  const [executablePath, libraries] = await Promise.all([
    chromium.executablePath(),
    inflate(join(PACKAGE_BIN, 'al2023.tar.br')),
  ]);
  return puppeteer.launch({
    executablePath,
    args: chromium.args,
    headless: 'shell',
    env: { ...process.env, LD_LIBRARY_PATH: join(libraries, 'lib') },
  });
}
