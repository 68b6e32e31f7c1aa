// Opens one HTML page in headless Chromium through playwright-core, for `cargo xtask render-check`.
//
// usage: node check.mjs PAGE.html SHOT.png PROFILE_DIR
// Prints one JSON line: {"problems": [...], "title": "..."}; a problem is a console error, an
// uncaught exception, a failed load or a request for anything but the page itself (such a
// request is aborted, so the page never reaches the network). Exits 0 whenever it could judge
// the page; the caller fails on problems.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

// PLAYWRIGHT_DIR is the npm prefix that `cargo xtask` installs playwright-core into.
const require = createRequire(pathToFileURL(process.env.PLAYWRIGHT_DIR + '/package.json'));
const { chromium } = require('playwright-core');

const [, , pagePath, shotPath, profileDir] = process.argv;
const pageUrl = pathToFileURL(pagePath).href;
const problems = [];

// The flags this machine's closed network needs (see the module comment of render_check.rs).
const context = await chromium.launchPersistentContext(profileDir, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  chromiumSandbox: false,
  viewport: { width: 1400, height: 1000 },
  args: [
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--window-size=1400,1000',
  ],
});
try {
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url === pageUrl) return route.continue();
    problems.push(`request for \`${url}\`: the page must be self-contained`);
    return route.abort('blockedbyclient');
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().includes('net::ERR_BLOCKED_BY_CLIENT')) {
      const where = message.location();
      const line = where && typeof where.lineNumber === 'number' ? ` (line ${where.lineNumber + 1})` : '';
      problems.push(`console error${line}: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`uncaught exception: ${error.message}`));
  page.on('crash', () => problems.push('the page crashed'));
  const response = await page.goto(pageUrl, { waitUntil: 'load' });
  if (response && !response.ok()) problems.push(`loading the page answered ${response.status()}`);
  // Let the handlers of the load event and the first frames run before judging.
  await page.evaluate(
    () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 0)))),
  );
  await page.screenshot({ path: shotPath });
  const title = await page.title();
  console.log(JSON.stringify({ problems, title }));
} catch (error) {
  problems.push(`chromium could not open the page: ${error.message.split('\n')[0]}`);
  console.log(JSON.stringify({ problems, title: '' }));
} finally {
  await context.close();
}
