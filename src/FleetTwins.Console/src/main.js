// The fleet console: wires the map, the table, the detail and the ingestion panel to the API.
import './style.css';
import { ApiError, apiKey, getJson, openDashboard, watch } from './api.js';
import { Detail } from './detail.js';
import { FleetMap } from './fleetMap.js';
import { FleetTable } from './fleetTable.js';
import { IngestionPanel } from './ingestion.js';
import { agoHtml, escape } from './format.js';

const vehicles = new Map();
const detail = new Detail(document.getElementById('detail'), document.getElementById('detail-body'));
const select = (id) => detail.open(id).catch(report);
const map = new FleetMap(document.getElementById('map'), select);
const table = new FleetTable(document.getElementById('vehicles'), select);
const panel = new IngestionPanel(document.getElementById('providers'), document.getElementById('queues'), document.getElementById('ingestion-at'));
const live = document.getElementById('live');
const filterInput = document.getElementById('filter');
const feed = document.getElementById('feed');
let fleetWatch = null;
let pending = false;
let notifications = [];

function report(error) {
  live.textContent = error instanceof ApiError && error.status === 401 ? 'needs an API key' : String(error.message ?? error);
  live.className = 'badge error';
  if (error instanceof ApiError && error.status === 401) askForKey();
}

function askForKey() {
  const key = prompt('API key (sent as Authorization: Bearer; kept in this browser):', apiKey.get());
  if (key !== null) {
    apiKey.set(key.trim());
    load();
  }
}

/** Redraws at most once per frame however many changes arrive. */
function render() {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    const list = [...vehicles.values()];
    table.render(list);
    for (const v of list) map.show(v);
    map.fit();
    document.getElementById('count').textContent = `${list.length} vehicles`;
    renderFeed();
  });
}

/** The fleet's notifications as they arrive (the fleet watch), newest first; a click opens the twin. */
function renderFeed() {
  const now = Date.now();
  feed.innerHTML = notifications.length === 0 ? '<li class="none">none since this page opened</li>'
    : notifications.map((n) => `<li data-id="${escape(n.twinId)}" data-type="${escape(n.type)}"><b>${escape(n.type)}</b>
      ${escape(n.twinId)} <small>${escape(n.reason)} · ${agoHtml(n.at, now)}</small></li>`).join('');
}

async function load() {
  const filter = filterInput.value.trim();
  const query = new URLSearchParams({ limit: '500', filter });
  history.replaceState(null, '', filter ? `?filter=${encodeURIComponent(filter)}` : location.pathname);
  fleetWatch?.abort();
  vehicles.clear();
  map.clear();
  try {
    let cursor = null;
    do {
      if (cursor) query.set('cursor', cursor);
      const page = await getJson(`/api/vehicles?${query}`);
      for (const v of page.items) vehicles.set(v.id, v);
      cursor = page.nextCursor;
    } while (cursor && vehicles.size < 5000);
    render();
    follow(filter);
  } catch (error) {
    render();
    report(error);
  }
}

/** The fleet-wide watch keeps the table and the map live; it reconnects after a drop. */
function follow(filter) {
  const controller = new AbortController();
  fleetWatch = controller;
  live.textContent = 'live';
  live.className = 'badge live';
  watch(`/api/fleet/watch?filter=${encodeURIComponent(filter)}`, (name, data) => {
    if (name === 'vehicle') vehicles.set(data.id, data);
    else if (name === 'notification') notifications = [data, ...notifications.filter((n) => n.id !== data.id)].slice(0, 50);
    else if (name === 'left') {
      vehicles.delete(data.id);
      map.remove(data.id);
    } else return;
    render();
  }, controller.signal)
    .then(() => !controller.signal.aborted && setTimeout(() => follow(filter), 2000))
    .catch((error) => {
      if (controller.signal.aborted) return;
      report(error);
      setTimeout(() => follow(filter), 5000);
    });
}

document.getElementById('search').addEventListener('submit', (e) => {
  e.preventDefault();
  load();
});
document.getElementById('key').addEventListener('click', askForKey);
document.getElementById('dashboard').addEventListener('click', openDashboard);
feed.addEventListener('click', (e) => {
  const item = e.target.closest('li[data-id]');
  if (item) select(item.dataset.id);
});
document.getElementById('close').addEventListener('click', () => detail.close());
filterInput.value = new URLSearchParams(location.search).get('filter') ?? '';

load();
const poll = () => panel.poll().catch(() => {});
poll();
setInterval(poll, 5000);
setInterval(() => {
  render(); // ages in the table and the feed
  detail.tick();
}, 15000);
