// End-to-end check of the fleet console in headless Chromium (run by tests/FleetTwins.Host.Tests/Operations/ConsoleTests):
//   node e2e/console.e2e.mjs <host url> <screenshot.png> <vehicles at least> [--tiles]
// Loads /console/, waits for the table and the map to show the fleet, filters it, opens a twin and waits for a
// notification to arrive live (prints "DETAIL <id>" so that the caller can send one), waits for the ingestion panel,
// then takes a screenshot. Prints "OK" and exits 0, or prints what failed and exits 1. Without --tiles, requests
// outside the host (map tiles) are refused, so the check does not depend on the internet.
import { chromium } from 'playwright-core';

const [url, screenshot, atLeast, ...flags] = process.argv.slice(2);
const expected = Number(atLeast ?? 1);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-dev-shm-usage'],
});
const problems = [];
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/tile\.openstreetmap\.org|ERR_FAILED|net::/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  if (!flags.includes('--tiles')) {
    await page.route((u) => !u.href.startsWith(url), (route) => route.abort());
  }

  await page.goto(`${url}/console/`);
  const rows = page.locator('#vehicles tbody tr');
  await page.waitForFunction((n) => document.querySelectorAll('#vehicles tbody tr').length >= n, expected, { timeout: 30000 });
  await page.waitForFunction(() => document.querySelectorAll('path.leaflet-interactive').length > 0, null, { timeout: 30000 });
  await page.waitForFunction(() => document.getElementById('live').textContent === 'live', null, { timeout: 30000 });
  const markers = await page.locator('path.leaflet-interactive').count();
  console.log(`TABLE ${await rows.count()} MARKERS ${markers}`);

  // Sorting by SOC (descending on the second click) orders the rows.
  await page.click('th[data-key="soc"]');
  await page.click('th[data-key="soc"]');
  const socs = (await page.locator('#vehicles tbody tr td:nth-child(4)').allTextContents()).map(Number).filter((x) => !Number.isNaN(x));
  if (socs.some((x, i) => i > 0 && x > socs[i - 1])) problems.push(`rows not sorted by SOC descending: ${socs.slice(0, 8)}`);

  // The query API's filter: only charging vehicles remain.
  await page.fill('#filter', 'charging = CHARGING');
  await page.click('#search button');
  await page.waitForFunction(() => [...document.querySelectorAll('#vehicles tbody tr')].every((r) => r.querySelector('td:nth-child(5)').textContent === 'CHARGING'), null, { timeout: 15000 });
  const charging = await rows.count();
  console.log(`FILTERED ${charging}`);
  await page.fill('#filter', '');
  await page.click('#search button');
  await page.waitForFunction((n) => document.querySelectorAll('#vehicles tbody tr').length >= n, expected, { timeout: 15000 });

  // A twin in detail; a notification arrives live while it is open.
  const vin = await page.locator('#vehicles tbody tr[data-id^="W"]').first().getAttribute('data-id');
  await page.click(`#vehicles tbody tr[data-id="${vin}"]`);
  await page.waitForSelector('#detail:not([hidden]) table.readings tbody tr', { timeout: 15000 });
  for (const text of ['Readings', 'stateOfCharge', 'Commands', 'Notifications']) {
    if (!(await page.locator('#detail').textContent()).includes(text)) problems.push(`the detail lacks ${text}`);
  }
  console.log(`DETAIL ${vin}`);
  await page.waitForFunction(() => document.querySelector('#notifications')?.textContent.includes('charging-started'), null, { timeout: 30000 });
  console.log('LIVE notification arrived');

  // The ingestion panel fills in after two scrapes of /metrics.
  await page.waitForFunction(() => document.querySelectorAll('#providers tr td.n').length > 0, null, { timeout: 30000 });
  console.log(`INGESTION ${(await page.locator('#providers').innerText()).replace(/\s+/g, ' ')}`);

  await page.click('#close');
  await page.screenshot({ path: screenshot });
} catch (e) {
  problems.push(e.message.split('\n')[0]);
} finally {
  await browser.close();
}

if (problems.length > 0) {
  console.log(`FAILED\n${problems.join('\n')}`);
  process.exit(1);
}
console.log('OK');
