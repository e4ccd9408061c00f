// A twin in detail: alerts, every reading with its source and age, commands (send one, follow it live), notifications
// as they arrive, tires, charging details, departure times, alarms, geofences, status, alias history and recent trips;
// its history (SOC chart, trips and their tracks, history.js) once on open.
// Everything live comes from the twin's own watch: `twin`, `notification` and `command` events.
import { ApiError, getJson, postJson, watch } from './api.js';
import { agoHtml, escape, number, quantity, severityClass, silent, span, when, words } from './format.js';
import { renderHistory } from './history.js';

const knownCommands = ['START_CHARGING', 'STOP_CHARGING', 'SET_CHARGE_LIMIT', 'LOCK_DOORS', 'UNLOCK_DOORS', 'OPEN_CHARGE_PORT'];
const dayNames = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];

/** What each reading shows, in words and units. */
const readings = {
  stateOfCharge: (r) => quantity(r.value, r.unit),
  energyRemaining: (r) => quantity(r.value, r.unit),
  range: (r) => quantity(r.value, r.unit),
  odometer: (r) => quantity(r.value, r.unit),
  location: (r) => `${number(r.latitude, 5)}, ${number(r.longitude, 5)}${r.address ? ` · ${r.address}` : ''}`,
  motion: (r) => [r.speedKmh != null && quantity(r.speedKmh, 'kmh'), r.headingDegrees != null && `heading ${number(r.headingDegrees, 0)}°`,
    r.elevationMeters != null && `elevation ${quantity(r.elevationMeters, 'm', 0)}`].filter(Boolean).join(' · '),
  charging: (r) => words(r.state),
  plug: (r) => words(r.state),
  chargingTarget: (r) => `${quantity(r.targetSoc, 'percent', 0)} (set by ${r.source})`,
  connectivity: (r) => (r.online ? 'online' : 'offline'),
  rental: (r) => (r.inRental ? 'in rental' : 'not in rental'),
  masterData: (r) => [r.make, r.model, r.year, r.nickname && `“${r.nickname}”`, r.registration, r.engineType && words(r.engineType)].filter(Boolean).join(' · '),
  currentTrip: (r) => `trip ${r.id} since ${when(r.startedAt)}`,
};

function days(list) {
  const indexes = (list ?? []).map((d) => dayNames.indexOf(String(d).toUpperCase())).filter((i) => i >= 0).sort();
  const runs = [];
  for (const i of indexes) {
    const last = runs.at(-1);
    if (last && last[1] === i - 1) last[1] = i;
    else runs.push([i, i]);
  }
  const short = (i) => dayNames[i][0] + dayNames[i].slice(1, 3).toLowerCase();
  return runs.map(([a, b]) => (a === b ? short(a) : `${short(a)}–${short(b)}`)).join(', ') || 'no day';
}

function offset(minutes) {
  if (minutes === null || minutes === undefined) return '';
  const sign = minutes < 0 ? '-' : '+';
  const m = Math.abs(minutes);
  return ` (UTC${sign}${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')})`;
}

const pad = (n) => String(n).padStart(2, '0');

function list(items, empty = 'none') {
  return items.length > 0 ? items.join('') : `<li class="none">${empty}</li>`;
}

function section(title, body) {
  return `<h3>${title}</h3>${body}`;
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
    this.path = path;
    this.twin = twin;
    this.commands = commands;
    this.notifications = notifications.map((n) => ({ ...n, live: false }));
    this.layout();
    this.render();
    // The history is read once on open, below the parts drawn again on each change.
    const history = this.body.ownerDocument.createElement('section');
    history.className = 'history';
    this.body.append(history);
    renderHistory(history, id).catch(() => {});
    this.abort = new AbortController();
    this.follow(id, path, this.abort.signal, false);
  }

  /**
   * Follows the twin's watch; after a drop it reconnects and first reads the commands and notifications again, so a
   * command that moved while the stream was down is shown as it is now.
   */
  follow(id, path, signal, reconnected) {
    const current = () => this.id === id && !signal.aborted;
    const resync = async () => {
      const [twin, commands, notifications] = await Promise.all([
        getJson(path), getJson(`${path}/commands`), getJson(`${path}/notifications`),
      ]);
      if (!current()) return;
      this.twin = twin;
      this.commands = commands;
      const known = new Set(this.notifications.map((n) => n.id));
      this.notifications = [...notifications.filter((n) => !known.has(n.id)).map((n) => ({ ...n, live: false })), ...this.notifications]
        .sort((a, b) => Date.parse(b.at) - Date.parse(a.at)).slice(0, 100);
      this.render();
    };
    const again = (delay) => current() && setTimeout(() => current() && this.follow(id, path, signal, true), delay);
    watch(`${path}/watch`, (name, data) => {
      if (name === 'twin') this.twin = data;
      else if (name === 'notification') {
        this.notifications = [{ ...data, live: true }, ...this.notifications.filter((n) => n.id !== data.id)].slice(0, 100);
        this.renderNotifications();
        return;
      } else if (name === 'command') {
        this.commands = [data, ...this.commands.filter((c) => c.id !== data.id)].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
        this.renderCommands();
        return;
      } else return;
      this.render();
    }, signal, reconnected ? () => resync().catch(() => {}) : undefined)
      .then(() => again(2000))
      .catch(() => again(5000));
  }

  /** Redraws ages ("6 min ago") while open. */
  tick() {
    if (this.id && this.twin && this.path) this.render();
  }

  close() {
    this.abort?.abort();
    this.abort = null;
    this.id = null;
    this.aside.hidden = true;
  }

  /** The parts that are drawn again on each change, and the command form, which keeps what the operator typed. */
  layout() {
    this.body.innerHTML = `
      <div class="twin-top"></div>
      <section id="commands-section">
        <h3>Commands</h3>
        <form id="command-form" autocomplete="off">
          <input name="command" list="known-commands" required pattern="[A-Z][A-Z0-9_]{0,63}" placeholder="command, e.g. START_CHARGING" />
          <input name="provider" pattern="[a-z][a-z0-9-]{0,31}" placeholder="provider (default: serving)" />
          <textarea name="arguments" rows="2" spellcheck="false" placeholder='arguments, e.g. {"limit": 80}'>{}</textarea>
          <button type="submit">Send</button>
          <datalist id="known-commands">${knownCommands.map((c) => `<option value="${c}"></option>`).join('')}</datalist>
        </form>
        <p id="command-problem" class="problem" hidden></p>
        <ul id="commands"></ul>
      </section>
      <h3>Notifications <small>live</small></h3><ul id="notifications"></ul>
      <div class="twin-more"></div>`;
    this.body.querySelector('#command-form').addEventListener('submit', (e) => {
      e.preventDefault();
      this.send(new FormData(e.target)).catch(() => {});
    });
  }

  async send(form) {
    const problem = this.body.querySelector('#command-problem');
    problem.hidden = true;
    let args;
    try {
      args = JSON.parse(String(form.get('arguments') || '{}'));
    } catch {
      problem.textContent = 'arguments must be a JSON object, e.g. {"limit": 80}';
      problem.hidden = false;
      return;
    }
    const body = { command: String(form.get('command')).trim(), arguments: args, idempotencyKey: crypto.randomUUID() };
    const provider = String(form.get('provider') ?? '').trim();
    if (provider) body.provider = provider;
    try {
      const command = await postJson(`${this.path}/commands`, body);
      this.commands = [command, ...this.commands.filter((c) => c.id !== command.id)];
      this.renderCommands();
    } catch (error) {
      problem.textContent = error instanceof ApiError && error.status === 403
        ? 'This API key lacks the command scope: sending commands needs a key with it.'
        : `Not sent: ${error.message}`;
      problem.hidden = false;
    }
  }

  render() {
    this.renderTwin();
    this.renderCommands();
    this.renderNotifications();
  }

  renderTwin() {
    const t = this.twin;
    const now = Date.now();
    const inferred = silent(t, now);
    const state = t.online && !inferred ? '<span class="badge live">online</span>'
      : inferred ? `<span class="badge offline" title="its provider last said online">offline · silent ${span((now - Date.parse(t.lastSeenAt)) / 1000)}</span>`
        : '<span class="badge offline">offline</span>';
    const rows = Object.entries(readings).filter(([r]) => t[r]).map(([r, show]) => `<tr><th>${words(r)}</th><td>${escape(show(t[r]))}</td>
      <td>${escape(t[r].source ?? '–')}</td><td>${agoHtml(t[r].at, now)}</td></tr>`).join('');
    const oem = new Map((t.oemAlerts ?? []).map((a) => [a.code, a]));
    const alerts = (t.activeAlerts ?? []).map((a) => {
      const detail = oem.get(a.id);
      const more = detail ? [detail.component && words(detail.component), detail.recommendedAction && words(detail.recommendedAction)].filter(Boolean).join(' · ') : a.kind;
      return `<li class="alert"><span class="badge severity ${severityClass(a.severity)}">${escape(a.severity ?? 'unknown')}</span>
        <b>${escape(a.title ?? a.id)}</b> <small>${escape(a.id)} · ${escape(more)} · since ${agoHtml(a.at, now)}</small></li>`;
    });
    this.body.querySelector('.twin-top').innerHTML = `
      <h2>${escape(t.id)}</h2>
      <p>${state} ${escape(t.vin ?? 'no VIN')} · version ${t.version} · seen ${agoHtml(t.lastSeenAt, now)} (${escape(when(t.lastSeenAt))})</p>
      <p class="aliases">${(t.aliases ?? []).map(escape).join(' · ')}</p>
      ${section('Alerts', `<ul id="alerts">${list(alerts)}</ul>`)}
      ${section('Readings', `<table id="readings" class="readings"><thead><tr><th>reading</th><th>value</th><th>source</th><th>age</th></tr></thead><tbody>${rows}</tbody></table>`)}`;

    const low = t.notificationThresholds?.lowTirePressureKpa ?? 200;
    const tires = Object.entries(t.tires ?? {}).sort().map(([position, r]) => `<tr class="${r.value < low ? 'low' : ''}"><th>${escape(words(position))}</th>
      <td class="n">${escape(quantity(r.value, r.unit))}</td><td>${escape(r.source)}</td><td>${agoHtml(r.at, now)}</td></tr>`);
    const d = t.chargingDetails;
    const details = d ? [
      ['max state of charge', quantity(d.maxStateOfCharge, 'percent', 0)], ['remaining', d.remainingMinutes == null ? '–' : span(d.remainingMinutes * 60)],
      ['power', quantity(d.powerKw, 'kw')], ['current limit', quantity(d.currentLimitAmps, 'a', 0)],
      ['charge port door', d.portDoorOpen == null ? '–' : d.portDoorOpen ? 'open' : 'closed'], ['charge port latch', d.portLatch ? words(d.portLatch) : '–'],
    ].map(([k, v]) => `<tr><th>${k}</th><td>${escape(v)}</td></tr>`).join('') + `<tr><th>reported</th><td>${escape(d.source)} · ${agoHtml(d.at, now)}</td></tr>` : '';
    const departures = (t.departureTimes?.departures ?? []).map((x) => `<li>${days(x.daysOfWeek)} ${pad(x.hour)}:${pad(x.minute)}${offset(x.localTimeOffsetMinutes)}</li>`);
    const alarms = (t.alarms ?? []).map((a) => `<li><b>${escape(words(a.kind))}</b>${a.value != null ? ` ${number(a.value)}` : ''}${a.geofenceName ? ` · ${escape(a.geofenceName)}` : ''}
      <small>${escape(a.source)} · ${agoHtml(a.at, now)}</small></li>`);
    const geofences = (t.geofences ?? []).map((g) => `<li>inside <b>${escape(g.name)}</b> <small>since ${agoHtml(g.at, now)} · ${escape(g.source)}</small></li>`);
    const status = Object.entries(t.status ?? {}).sort().map(([name, s]) => `<tr><th>${escape(words(name))}</th><td>${escape(s.value)}</td>
      <td>${escape(s.source)}</td><td>${agoHtml(s.at, now)}</td></tr>`);
    const aliases = (t.aliasHistory ?? []).map((c) => `<li><b>${escape(c.alias)}</b> ${escape(c.from ?? 'nobody')} → ${escape(c.to ?? 'unlinked')}
      <small>${escape(c.source)} · ${agoHtml(c.at, now)}</small></li>`);
    const trips = (t.trips ?? []).slice(0, 10).map((trip) => `<li>${escape(trip.id)} · ${quantity(trip.distanceKm, 'km')}
      <small>${escape(when(trip.startedAt))} → ${escape(trip.endedAt ? when(trip.endedAt) : 'now')}</small></li>`);
    this.body.querySelector('.twin-more').innerHTML = [
      section('Tires', tires.length ? `<table id="tires" class="readings"><tbody>${tires.join('')}</tbody></table>` : '<p class="none">none reported</p>'),
      section('Charging details', details ? `<table id="charging-details" class="readings"><tbody>${details}</tbody></table>` : '<p class="none">none reported</p>'),
      section('Departure times', `<ul id="departures">${list(departures, 'none scheduled')}</ul>`),
      section('Alarms', `<ul id="alarms">${list(alarms)}</ul>`),
      section('Geofences', `<ul id="geofences">${list(geofences, 'inside none')}</ul>`),
      section('Status', status.length ? `<table id="status" class="readings"><tbody>${status.join('')}</tbody></table>` : '<p class="none">none reported</p>'),
      section('Alias history', `<ul id="alias-history">${list(aliases)}</ul>`),
      section('Recent trips', `<ul>${list(trips)}</ul>`),
    ].join('');
  }

  renderCommands() {
    const now = Date.now();
    const step = (h) => `<li><span class="status ${h.status.toLowerCase()}">${escape(h.status)}</span> ${escape(h.reason ?? '')}
      ${h.channel ? `via <code>${escape(h.channel)}</code> (attempt ${h.attempt})` : ''} <small>${escape(h.source)} · ${agoHtml(h.at, now)}</small></li>`;
    const items = this.commands.map((c) => `<li class="command" data-id="${escape(c.id)}">
      <span class="badge status ${c.status.toLowerCase()}">${escape(c.status)}</span> <b>${escape(c.command)}</b>
      ${c.reportedBy ? `<small>the provider's own (${escape(c.reportedBy)})</small>` : `<small>for ${escape(c.provider ?? 'no provider')} · sent ${agoHtml(c.createdAt, now)}</small>`}
      <ol class="history">${(c.history ?? []).map(step).join('')}</ol></li>`);
    this.body.querySelector('#commands').innerHTML = list(items);
  }

  renderNotifications() {
    const now = Date.now();
    const items = this.notifications.map((n) => `<li class="${n.live ? 'live' : ''}" data-type="${escape(n.type)}"><b>${escape(n.type)}</b> ${escape(n.reason)}
      <small>${agoHtml(n.at, now)}</small></li>`);
    this.body.querySelector('#notifications').innerHTML = list(items, 'none yet');
  }
}
