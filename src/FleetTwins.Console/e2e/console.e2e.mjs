// End-to-end check of the fleet console in headless Chromium (run by tests/FleetTwins.Host.Tests/Operations/ConsoleTests):
//   node e2e/console.e2e.mjs <host url> <screenshot dir> <vehicles at least> <twin id> <silent twin id> [--tiles]
// Loads /console/ and waits for the table, the map and its bundled basemap; sorts, filters, sees the silent twin shown
// offline; opens <twin id> (the caller gave it tires, charging details, departures, alerts — BMS_001 active, BRAKE_042
// cleared —, alarms and a geofence) and checks every section reads like it should; sends START_CHARGING from the form
// and follows it to CONFIRMED live (prints "COMMAND <id>": the caller then reports it executed and the twin charging),
// sends LOCK_DOORS and sees it time out (prints "LOCK <id>": the caller disconnects the vehicle), and waits for
// command-timed-out and vehicle-offline to arrive live in the twin's and the fleet's notifications. Screenshots:
// console-detail.png, console-command.png, console.png. Prints "OK" and exits 0, or what failed and exits 1. Without
// --tiles every request outside the host (map tiles) is refused: the check, and the screenshots, are offline.
import { chromium } from 'playwright-core';

const [url, shots, atLeast, twinId, silentId, ...flags] = process.argv.slice(2);
const expected = Number(atLeast ?? 1);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-dev-shm-usage'],
});
const problems = [];
const expect = (ok, what) => ok || problems.push(what);
let page;
try {
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
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
  await page.waitForFunction(() => document.querySelectorAll('.leaflet-overlay-pane path.leaflet-interactive').length > 0, null, { timeout: 30000 });
  await page.waitForFunction(() => document.getElementById('live').textContent === 'live', null, { timeout: 30000 });
  // The basemap is the bundled one: drawn without a single tile.
  await page.waitForFunction(() => document.getElementById('map').dataset.basemap === 'ready', null, { timeout: 30000 });
  expect(await page.locator('.leaflet-basemap-pane canvas').count() > 0, 'the basemap pane has no canvas');
  const markers = await page.locator('.leaflet-overlay-pane path.leaflet-interactive').count();
  console.log(`TABLE ${await rows.count()} MARKERS ${markers}`);

  // Sorting by SOC (descending on the second click) orders the rows; vehicles without a SOC ('–') come last, as in
  // the API's sort. Every cell is in the check: a non-numeric cell among the numbers fails it.
  await page.click('th[data-key="soc"]');
  await page.click('th[data-key="soc"]');
  const cells = await page.locator('#vehicles tbody tr td:nth-child(4)').allTextContents();
  const socs = cells.map((c) => (c === '–' ? null : Number(c.replace(/,/g, ''))));
  const firstUnset = socs.indexOf(null);
  const numbers = firstUnset < 0 ? socs : socs.slice(0, firstUnset);
  expect(numbers.length >= 2, `fewer than two SOC values to sort: ${cells.slice(0, 8)}`);
  expect(!numbers.some((x) => Number.isNaN(x)), `SOC cells that are neither a number nor '–': ${cells.filter((c) => c !== '–' && Number.isNaN(Number(c.replace(/,/g, ''))))}`);
  expect(!numbers.some((x, i) => i > 0 && x > numbers[i - 1]), `rows not sorted by SOC descending: ${cells.slice(0, 8)}`);
  expect(firstUnset < 0 || socs.slice(firstUnset).every((x) => x === null), `vehicles without a SOC are not last: ${cells}`);

  // Silence: the caller's twin last heard from hours ago is shown offline, and says it is inferred.
  const silentState = await page.locator(`#vehicles tbody tr[data-id="${silentId}"] td:nth-child(3)`).textContent();
  expect(/^offline \(silent \d+ h\)$/.test(silentState?.trim() ?? ''), `the silent twin shows "${silentState}"`);

  // The query API's filter: only charging vehicles remain, and as many as the API counts for that filter.
  const filter = 'charging = CHARGING';
  const expectedCharging = (await (await page.request.get(`${url}/api/fleet/aggregates?filter=${encodeURIComponent(filter)}`)).json()).count;
  expect(expectedCharging > 0, `the fleet has no charging vehicle to filter for (${expectedCharging})`);
  await page.fill('#filter', filter);
  await page.click('#search button');
  await page.waitForFunction((n) => {
    const shown = [...document.querySelectorAll('#vehicles tbody tr')];
    return shown.length === n && shown.every((r) => r.querySelector('td:nth-child(5)').textContent === 'CHARGING');
  }, expectedCharging, { timeout: 15000 });
  console.log(`FILTERED ${await rows.count()} of ${expectedCharging}`);
  await page.fill('#filter', '');
  await page.click('#search button');
  await page.waitForFunction((n) => document.querySelectorAll('#vehicles tbody tr').length >= n, expected, { timeout: 15000 });

  // The twin in detail, every section readable.
  await page.click(`#vehicles tbody tr[data-id="${twinId}"]`);
  await page.waitForSelector('#detail:not([hidden]) #readings tbody tr', { timeout: 15000 });
  const text = async (selector) => (await page.locator(selector).innerText()).replace(/\s+/g, ' ');
  const readings = await text('#readings');
  expect(/state of charge 63 %/.test(readings), `readings: ${readings}`);
  expect(/odometer 45,230\.5 km/.test(readings), `odometer not formatted: ${readings}`);
  expect(/\d+ (s|min) ago|just now/.test(readings), `no ages in the readings: ${readings}`);
  const alerts = await text('#alerts');
  expect(alerts.includes('Battery system requires service') && /high/i.test(alerts) && alerts.includes('since'), `alerts: ${alerts}`);
  expect(!alerts.includes('BRAKE_042') && !alerts.includes('{'), `a cleared alert or raw JSON among the alerts: ${alerts}`);
  const tires = await text('#tires');
  expect(tires.includes('front left 172.4 kPa') && tires.includes('rear right 240.5 kPa'), `tires: ${tires}`);
  expect(await page.locator('#tires tr.low').count() === 1, 'the low tire is not marked');
  const charging = await text('#charging-details');
  expect(charging.includes('max state of charge 90 %') && charging.includes('power 11 kW') && charging.includes('charge port door closed'), `charging details: ${charging}`);
  const departures = await text('#departures');
  expect(departures.includes('Mon–Fri 08:30 (UTC+01:00)'), `departures: ${departures}`);
  expect((await text('#alarms')).includes('overspeed'), 'no overspeed alarm');
  expect((await text('#geofences')).includes('inside Depot'), 'not inside the Depot geofence');
  expect((await text('#alias-history')).includes('imei:'), 'no alias history');
  expect(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/.test(await text('#detail .twin-top')), 'no time shown as YYYY-MM-DD HH:MM UTC');
  // Its history from the journal: a SOC chart (or why there is none) and its trips.
  await page.waitForSelector('#detail .history h3', { timeout: 15000 });
  const history = await page.locator('#detail .history').textContent();
  expect(['State of charge', 'Trips'].every((t) => history.includes(t)), `the history lacks its chart or trips: ${history.slice(0, 200)}`);
  console.log(`HISTORY ${await page.locator('#detail .history svg.soc-chart').count()} chart(s)`);
  console.log(`DETAIL ${twinId}`);
  await page.screenshot({ path: `${shots}/console-detail.png` });

  // A command from the form, followed live to CONFIRMED.
  const send = async (command) => {
    const before = await page.locator('#commands li.command').count();
    await page.fill('#command-form input[name="command"]', command);
    await page.click('#command-form button');
    await page.waitForFunction((n) => document.querySelectorAll('#commands li.command').length > n, before, { timeout: 15000 });
    return page.locator('#commands li.command').first().getAttribute('data-id');
  };
  const status = (id, wanted) => page.waitForFunction(([i, s]) => document.querySelector(`#commands li[data-id="${i}"] .badge.status`)?.textContent === s,
    [id, wanted], { timeout: 60000 });
  const start = await send('START_CHARGING');
  await page.waitForFunction((i) => document.querySelector(`#commands li[data-id="${i}"]`)?.textContent.includes('dispatched'), start, { timeout: 30000 });
  console.log(`COMMAND ${start}`);
  await status(start, 'CONFIRMED');
  const steps = await page.locator(`#commands li[data-id="${start}"] ol.history .status`).allTextContents();
  expect(['PENDING', 'EXECUTED', 'CONFIRMED'].every((s) => steps.includes(s)), `the command's history: ${steps}`);
  await page.waitForSelector('#notifications li.live[data-type="charging-started"]', { timeout: 30000 });
  console.log('CONFIRMED live');

  // A command nobody answers times out; the vehicle goes offline: both notifications arrive live, here and fleet-wide.
  const lock = await send('LOCK_DOORS');
  console.log(`LOCK ${lock}`);
  await status(lock, 'TIMED_OUT');
  await page.waitForSelector('#notifications li.live[data-type="command-timed-out"]', { timeout: 60000 });
  console.log('TIMED_OUT live');
  await page.waitForSelector('#notifications li.live[data-type="vehicle-offline"]', { timeout: 60000 });
  console.log('OFFLINE live');
  await page.waitForSelector(`#feed li[data-id="${twinId}"][data-type="command-timed-out"]`, { timeout: 30000 });
  await page.waitForSelector(`#feed li[data-id="${twinId}"][data-type="vehicle-offline"]`, { timeout: 30000 });
  console.log('TIMED_OUT and OFFLINE live');
  await page.locator('#commands-section').scrollIntoViewIfNeeded();
  await page.evaluate(() => document.getElementById('commands-section').scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: `${shots}/console-command.png` });

  // The ingestion panel fills in after two scrapes of /metrics.
  await page.waitForFunction(() => document.querySelectorAll('#providers tr td.n').length > 0, null, { timeout: 30000 });
  console.log(`INGESTION ${(await page.locator('#providers').innerText()).replace(/\s+/g, ' ')}`);

  // The fleet, zoomed out until the bundled outlines (coasts, borders) show around it.
  await page.click('#close');
  const zoom = () => page.evaluate(() => Number(document.getElementById('map').dataset.zoom ?? 99));
  for (let z = await zoom(); z > 6; z = await zoom()) {
    await page.click('.leaflet-control-zoom-out');
    await page.waitForFunction((before) => Number(document.getElementById('map').dataset.zoom) < before, z, { timeout: 5000 });
  }
  await page.screenshot({ path: `${shots}/console.png` });
} catch (e) {
  problems.push(e.message.split('\n')[0]);
  // What the page showed and what the API holds for the twin's commands, to tell a lost event from a command that did not move.
  const shown = await page?.locator('#commands').innerText().catch(() => '(no commands shown)');
  const held = await page?.evaluate((id) => fetch(`/api/vehicles/${encodeURIComponent(id)}/commands`).then((r) => r.text()), twinId)
    .catch((error) => `(could not read: ${error.message})`);
  problems.push(`commands shown: ${String(shown).replace(/\s+/g, ' ')}`, `commands held: ${held}`);
} finally {
  await browser.close();
}

if (problems.length > 0) {
  console.log(`FAILED\n${problems.join('\n')}`);
  process.exit(1);
}
console.log('OK');
