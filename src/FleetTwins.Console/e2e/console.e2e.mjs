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

  // Sorting by SOC (descending on the second click) orders the rows; vehicles without a SOC ('–') come last, as in
  // the API's sort. Every cell is in the check: a non-numeric cell among the numbers fails it.
  await page.click('th[data-key="soc"]');
  await page.click('th[data-key="soc"]');
  const cells = await page.locator('#vehicles tbody tr td:nth-child(4)').allTextContents();
  const socs = cells.map((c) => (c === '–' ? null : Number(c)));
  const firstUnset = socs.indexOf(null);
  const numbers = firstUnset < 0 ? socs : socs.slice(0, firstUnset);
  if (numbers.length < 2) problems.push(`fewer than two SOC values to sort: ${cells.slice(0, 8)}`);
  if (numbers.some((x) => Number.isNaN(x))) problems.push(`SOC cells that are neither a number nor '–': ${cells.filter((c) => c !== '–' && Number.isNaN(Number(c)))}`);
  if (numbers.some((x, i) => i > 0 && x > numbers[i - 1])) problems.push(`rows not sorted by SOC descending: ${cells.slice(0, 8)}`);
  if (firstUnset >= 0 && socs.slice(firstUnset).some((x) => x !== null)) problems.push(`vehicles without a SOC are not last: ${cells}`);

  // The query API's filter: only charging vehicles remain, and as many as the API counts for that filter.
  const filter = 'charging = CHARGING';
  const expectedCharging = (await (await page.request.get(`${url}/api/fleet/aggregates?filter=${encodeURIComponent(filter)}`)).json()).count;
  if (!(expectedCharging > 0)) problems.push(`the fleet has no charging vehicle to filter for (${expectedCharging})`);
  await page.fill('#filter', filter);
  await page.click('#search button');
  await page.waitForFunction((n) => {
    const shown = [...document.querySelectorAll('#vehicles tbody tr')];
    return shown.length === n && shown.every((r) => r.querySelector('td:nth-child(5)').textContent === 'CHARGING');
  }, expectedCharging, { timeout: 15000 });
  const charging = await rows.count();
  console.log(`FILTERED ${charging} of ${expectedCharging}`);
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
  // Its history from the journal: a SOC chart (or why there is none) and its trips.
  await page.waitForSelector('#detail .history h3', { timeout: 15000 });
  const history = await page.locator('#detail .history').textContent();
  for (const text of ['State of charge', 'Trips']) {
    if (!history.includes(text)) problems.push(`the history lacks ${text}`);
  }
  console.log(`HISTORY ${await page.locator('#detail .history svg.soc-chart').count()} chart(s)`);
  // The list is pre-filled with the twin's past notifications: only one more charging-started at its top, after
  // "DETAIL" was printed (the caller sends the event then), proves a live push.
  const before = await page.evaluate(() => [...document.querySelectorAll('#notifications li b')].filter((b) => b.textContent === 'charging-started').length);
  console.log(`DETAIL ${vin}`);
  await page.waitForFunction((n) => {
    const types = [...document.querySelectorAll('#notifications li b')].map((b) => b.textContent);
    return types[0] === 'charging-started' && types.filter((t) => t === 'charging-started').length > n;
  }, before, { timeout: 30000 });
  console.log(`LIVE notification arrived (${before} charging-started before it)`);

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
