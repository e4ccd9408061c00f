// A twin's history in the detail panel: its state of charge over the last 7 days as a chart, its trips, and the
// selected trip's track (all from the journal: /history, /trips, /trips/{id}/track). Plain SVG, no chart library.
import { getJson } from './api.js';
import { escape, number } from './format.js';

const width = 320;
const height = 120;

/** Points scaled into the chart's box: x by time, y by value (or latitude/longitude for a track). */
export function scale(points, x, y, box = { width, height, pad: 6 }) {
  if (points.length === 0) return [];
  const xs = points.map(x);
  const ys = points.map(y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const sx = (box.width - 2 * box.pad) / (x1 - x0 || 1);
  const sy = (box.height - 2 * box.pad) / (y1 - y0 || 1);
  return points.map((p) => [box.pad + (x(p) - x0) * sx, box.height - box.pad - (y(p) - y0) * sy]);
}

const polyline = (xy, cls) => `<svg viewBox="0 0 ${width} ${height}" class="${cls}" role="img">
  <polyline fill="none" stroke="currentColor" stroke-width="1.5" points="${xy.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(' ')}"/></svg>`;

export async function renderHistory(element, id) {
  const path = `/api/vehicles/${encodeURIComponent(id)}`;
  const [soc, trips] = await Promise.all([
    getJson(`${path}/history?reading=stateOfCharge&limit=1000`).catch(() => ({ items: [] })),
    getJson(`${path}/trips?limit=20`).catch(() => ({ items: [] })),
  ]);
  const applied = soc.items.filter((i) => i.applied);
  const chart = applied.length > 1
    ? `${polyline(scale(applied, (i) => Date.parse(i.at), (i) => i.value), 'soc-chart')}
       <small>${applied.length} readings · ${number(Math.min(...applied.map((i) => i.value)), 1)}–${number(Math.max(...applied.map((i) => i.value)), 1)} %</small>`
    : '<p class="none">not enough readings</p>';
  const rows = trips.items.map((t) => `<li><a href="#" data-trip="${escape(t.id)}">${escape(t.id)}</a>
    ${t.distanceKm == null ? '' : `${number(t.distanceKm, 1)} km`} ${t.socUsed == null ? '' : `· ${number(t.socUsed, 1)} % SOC`}
    <small>${escape(t.startedAt)}</small></li>`).join('');
  element.innerHTML = `<h3>State of charge <small>7 days</small></h3>${chart}
    <h3>Trips</h3><ul class="trips">${rows || '<li class="none">none</li>'}</ul><div class="track"></div>`;
  element.querySelectorAll('[data-trip]').forEach((link) => link.addEventListener('click', async (event) => {
    event.preventDefault();
    const track = await getJson(`${path}/trips/${encodeURIComponent(link.dataset.trip)}/track`);
    const coordinates = track.geometry.coordinates;
    element.querySelector('.track').innerHTML = coordinates.length > 1
      ? `${polyline(scale(coordinates, (c) => c[0], (c) => c[1]), 'track-line')}<small>${coordinates.length} positions</small>`
      : `<p class="none">${coordinates.length} positions</p>`;
  }));
}
