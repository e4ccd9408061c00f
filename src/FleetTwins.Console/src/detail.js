// A twin in detail: every reading with its source and age, commands with their history, alerts, notifications as
// they arrive (the twin's own watch), recent trips; its history (SOC chart, trips and their tracks) once on open.
import { getJson, watch } from './api.js';
import { age, escape, number } from './format.js';
import { renderHistory } from './history.js';

const readings = ['stateOfCharge', 'range', 'odometer', 'location', 'motion', 'charging', 'plug', 'chargingTarget',
  'connectivity', 'rental', 'energyRemaining', 'currentTrip', 'masterData'];

function valueOf(reading) {
  return Object.entries(reading)
    .filter(([k, v]) => k !== 'at' && k !== 'source' && v !== null && typeof v !== 'object')
    .map(([k, v]) => [k, typeof v === 'number' ? number(v, 4, false) : v])
    .map(([k, v]) => (k === 'value' || k === 'state' ? `${v}` : `${k} ${v}`))
    .join(' · ');
}

export class Detail {
  constructor(aside, body) {
    this.aside = aside;
    this.body = body;
    this.abort = null;
  }

  async open(id) {
    this.close();
    this.id = id;
    this.aside.hidden = false;
    this.body.innerHTML = `<h2>${escape(id)}</h2><p>loading…</p>`;
    const path = `/api/vehicles/${encodeURIComponent(id)}`;
    const [twin, commands, notifications] = await Promise.all([
      getJson(path), getJson(`${path}/commands`).catch(() => []), getJson(`${path}/notifications`).catch(() => []),
    ]);
    if (this.id !== id) return;
    this.twin = twin;
    this.commands = commands;
    this.notifications = notifications;
    this.render();
    this.history = this.body.ownerDocument.createElement('section');
    this.history.className = 'history';
    renderHistory(this.history, id).then(() => this.render()).catch(() => {});
    this.abort = new AbortController();
    watch(`${path}/watch`, (name, data) => {
      if (name === 'twin') this.twin = data;
      else if (name === 'notification') this.notifications = [data, ...this.notifications].slice(0, 100);
      else return;
      this.render();
    }, this.abort.signal).catch(() => {});
  }

  close() {
    this.abort?.abort();
    this.abort = null;
    this.id = null;
    this.aside.hidden = true;
  }

  render() {
    const t = this.twin;
    const now = Date.now();
    const rows = readings.filter((r) => t[r]).map((r) => `<tr><th>${r}</th><td>${escape(valueOf(t[r]))}</td>
      <td>${escape(t[r].source ?? '–')}</td><td>${age(t[r].at, now)}</td></tr>`).join('');
    const commands = this.commands.map((c) => `<li><b>${escape(c.command)}</b> ${escape(c.status)}
      <small>${(c.history ?? []).map((h) => `${escape(h.status)} (${escape(h.reason ?? '')}, ${age(h.at, now)} ago)`).join(' → ')}</small></li>`).join('');
    const alerts = [...(t.activeAlerts ?? []), ...(t.oemAlerts ?? [])].map((a) => `<li>${escape(typeof a === 'string' ? a : JSON.stringify(a))}</li>`).join('');
    const notifications = this.notifications.map((n) => `<li><b>${escape(n.type)}</b> ${escape(n.reason)} <small>${age(n.at, now)} ago</small></li>`).join('');
    const trips = (t.trips ?? []).slice(0, 10).map((trip) => `<li>${escape(trip.id ?? trip.tripId ?? '')} ${trip.distanceKm ?? trip.distance ?? ''}
      <small>${age(trip.end ?? trip.endedAt ?? trip.start ?? trip.startedAt, now)} ago</small></li>`).join('');
    this.body.innerHTML = `
      <h2>${escape(t.id)}</h2>
      <p>${escape(t.vin ?? '')} · version ${t.version} · ${t.online ? 'online' : 'offline'} · seen ${age(t.lastSeenAt, now)} ago</p>
      <p class="aliases">${(t.aliases ?? []).map(escape).join(' · ')}</p>
      <h3>Readings</h3><table class="readings"><thead><tr><th>reading</th><th>value</th><th>source</th><th>age</th></tr></thead><tbody>${rows}</tbody></table>
      <h3>Alerts</h3><ul>${alerts || '<li class="none">none</li>'}</ul>
      <h3>Commands</h3><ul>${commands || '<li class="none">none</li>'}</ul>
      <h3>Notifications <small>live</small></h3><ul id="notifications">${notifications || '<li class="none">none yet</li>'}</ul>
      <h3>Recent trips</h3><ul>${trips || '<li class="none">none</li>'}</ul>`;
    if (this.history) this.body.append(this.history);
  }
}
