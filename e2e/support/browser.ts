import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { repoRoot } from './api-server';

/** Debian's Chromium; `npx playwright install` cannot download a browser on our machines. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Screenshots and other test artifacts (gitignored). */
export const artifactsDir = path.join(repoRoot, 'e2e/artifacts');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-dev-shm-usage',
    ],
  });
}

export interface TestPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and console errors, to assert a clean run or explain a failure. */
  errors: string[];
  close(): Promise<void>;
}

/**
 * A page in a context of its own (own storage, so two agents never share a login), with a
 * viewport large enough for the three-column console.
 */
export async function newTestPage(browser: Browser, options: BrowserContextOptions = {}): Promise<TestPage> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, ...options });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return { context, page, errors, close: () => context.close() };
}

export async function saveScreenshot(page: Page, name: string): Promise<string> {
  await mkdir(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

export const docsImagesDir = path.join(repoRoot, 'docs/images');

/**
 * Copies a screenshot artifact into the docs, only when UPDATE_DOCS_SCREENSHOTS=1: an ordinary
 * test run writes to e2e/artifacts/ alone and leaves the working tree clean. Returns the copy, or
 * null when nothing was written.
 */
export async function updateDocsScreenshot(
  artifact: string,
  docsName: string,
  { env = process.env, dir = docsImagesDir }: { env?: NodeJS.ProcessEnv; dir?: string } = {},
): Promise<string | null> {
  if (env.UPDATE_DOCS_SCREENSHOTS !== '1') return null;
  await mkdir(dir, { recursive: true });
  const target = path.join(dir, docsName);
  await copyFile(artifact, target);
  return target;
}
