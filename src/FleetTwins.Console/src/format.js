// Small formatting helpers shared by the views.

export function age(iso, now = Date.now()) {
  if (!iso) return '–';
  const seconds = Math.max(0, (now - Date.parse(iso)) / 1000);
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 129600) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} d`;
}

export function number(value, digits = 1, grouping = true) {
  return value === null || value === undefined ? '–'
    : Number(value).toLocaleString(undefined, { maximumFractionDigits: digits, useGrouping: grouping });
}

/** A duration in seconds, readably ("0.05 s", "42 s", "3 min", "6 h"). */
export function duration(seconds) {
  if (seconds < 1) return `${number(seconds, 3)} s`;
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 129600) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} d`;
}

export function escape(text) {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/** The state a vehicle is drawn in: alert beats offline beats charging beats in rental. */
export function stateOf(vehicle) {
  if ((vehicle.highAlerts ?? 0) > 0 || (vehicle.alerts ?? 0) > 0) return 'alert';
  if (vehicle.online === false) return 'offline';
  if (vehicle.charging === 'CHARGING') return 'charging';
  if (vehicle.rental === true) return 'rental';
  return 'idle';
}
