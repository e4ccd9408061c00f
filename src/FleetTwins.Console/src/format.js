// Formatting for people, shared by the views: numbers with their units ("172.4 kPa"), times in UTC
// ("2026-12-01 08:56 UTC"), ages ("6 min ago"), and the state a vehicle is drawn in.

/** A vehicle that has said nothing for this long is shown offline (silent), whatever its provider last said. */
export const silentAfterMs = 2 * 3600 * 1000;

const units = { percent: '%', kwh: 'kWh', km: 'km', kpa: 'kPa', kw: 'kW', a: 'A', kmh: 'km/h', min: 'min', m: 'm', deg: '°' };

export function number(value, digits = 1, grouping = true) {
  return value === null || value === undefined || Number.isNaN(Number(value)) ? '–'
    : Number(value).toLocaleString('en-US', { maximumFractionDigits: digits, useGrouping: grouping });
}

/** "172.4 kPa", "85.5 %", "45,230.5 km"; a dash when there is no value. */
export function quantity(value, unit, digits = 1) {
  if (value === null || value === undefined) return '–';
  const shown = units[String(unit ?? '').toLowerCase()] ?? unit ?? '';
  return shown ? `${number(value, digits)} ${shown}` : number(value, digits);
}

/** "2026-12-01 08:56 UTC" */
export function when(iso) {
  if (!iso) return '–';
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return '–';
  return `${t.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A span of time readably: "42 s", "6 min", "3 h", "2 d". */
export function span(seconds) {
  if (seconds < 1) return `${number(seconds, 3)} s`;
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 129600) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} d`;
}

/** The age of a moment: "just now", "6 min ago", "in 3 min" (a clock ahead of ours). */
export function ago(iso, now = Date.now()) {
  if (!iso) return '–';
  const seconds = (now - Date.parse(iso)) / 1000;
  if (Number.isNaN(seconds)) return '–';
  if (Math.abs(seconds) < 5) return 'just now';
  return seconds > 0 ? `${span(seconds)} ago` : `in ${span(-seconds)}`;
}

/** An age with its moment on hover. */
export function agoHtml(iso, now = Date.now()) {
  return iso ? `<time datetime="${escape(iso)}" title="${escape(when(iso))}">${ago(iso, now)}</time>` : '–';
}

export function escape(text) {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/** Whether a vehicle its provider calls online has been silent past {@link silentAfterMs}. */
export function silent(vehicle, now = Date.now()) {
  return vehicle.online !== false && !!vehicle.lastSeenAt && now - Date.parse(vehicle.lastSeenAt) > silentAfterMs;
}

/** The state a vehicle is drawn in: alert beats offline (reported, or inferred from silence) beats charging beats in rental. */
export function stateOf(vehicle, now = Date.now()) {
  if ((vehicle.highAlerts ?? 0) > 0 || (vehicle.alerts ?? 0) > 0) return 'alert';
  if (vehicle.online === false || silent(vehicle, now)) return 'offline';
  if (vehicle.charging === 'CHARGING') return 'charging';
  if (vehicle.rental === true) return 'rental';
  return 'idle';
}

/** The state as a label: "offline (silent 3 h)" when it is inferred. */
export function stateLabel(vehicle, now = Date.now()) {
  const state = stateOf(vehicle, now);
  if (state === 'offline' && vehicle.online !== false) return `offline (silent ${span((now - Date.parse(vehicle.lastSeenAt)) / 1000)})`;
  return state;
}

/** A severity as a badge class: low, medium, high, critical. */
export function severityClass(severity) {
  const s = String(severity ?? '').toLowerCase();
  return ['low', 'medium', 'high', 'critical'].includes(s) ? s : 'unknown';
}

/** Words from an identifier: "FRONT_LEFT" → "front left", "chargePortDoorOpen" → "charge port door open". */
export function words(text) {
  return String(text ?? '').replace(/([a-z])([A-Z])/g, '$1 $2').replace(/_/g, ' ').toLowerCase();
}
