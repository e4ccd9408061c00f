// The ingestion panel, from the host's own /metrics: deliveries per second per provider (applied, duplicates,
// refused), the median lag from reading to durable twin, and what waits in the AMQP queues.
import { getText } from './api.js';
import { span as duration, number } from './format.js';

const refused = new Set(['invalid', 'unauthorized', 'forbidden-source', 'too-large', 'unavailable', 'failed', 'parked']);

/** Series of one metric: [{labels, value}] from the Prometheus text format. */
export function series(text, name) {
  const out = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-z_]+)(?:\{(.*)\})? ([0-9.eE+-]+|NaN|\+Inf)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/([a-z_]+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    out.push({ labels, value: Number(match[3]) });
  }
  return out;
}

function sumBy(entries, label, filter = () => true) {
  const sums = {};
  for (const e of entries.filter(filter)) sums[e.labels[label]] = (sums[e.labels[label]] ?? 0) + e.value;
  return sums;
}

/** The median of a histogram's observations between two scrapes (cumulative buckets). */
function median(before, after) {
  const buckets = after.map((b) => ({ le: b.labels.le, count: b.value - (before.find((x) => x.labels.le === b.labels.le)?.value ?? 0) }))
    .filter((b) => b.le !== '+Inf').sort((a, b) => Number(a.le) - Number(b.le));
  const total = after.find((b) => b.labels.le === '+Inf')?.value - (before.find((b) => b.labels.le === '+Inf')?.value ?? 0);
  if (!total) return null;
  return Number(buckets.find((b) => b.count >= total / 2)?.le ?? Infinity);
}

export class IngestionPanel {
  constructor(providers, queues, at) {
    Object.assign(this, { providers, queues, at });
    this.previous = null;
  }

  async poll() {
    const text = await getText('/metrics');
    const now = Date.now();
    const scrape = {
      at: now,
      deliveries: series(text, 'fleettwins_ingestion_deliveries_total'),
      lag: series(text, 'fleettwins_ingestion_lag_seconds_bucket'),
      ready: series(text, 'fleettwins_amqp_queue_ready'),
    };
    if (this.previous) this.render(this.previous, scrape);
    this.previous = scrape;
  }

  render(before, after) {
    const seconds = (after.at - before.at) / 1000;
    const rate = (filter) => {
      const b = sumBy(before.deliveries, 'provider', filter);
      const a = sumBy(after.deliveries, 'provider', filter);
      return Object.fromEntries(Object.keys(a).map((p) => [p, (a[p] - (b[p] ?? 0)) / seconds]));
    };
    const applied = rate((e) => e.labels.outcome === 'applied');
    const duplicates = rate((e) => e.labels.outcome === 'duplicate');
    const refusedRate = rate((e) => refused.has(e.labels.outcome));
    const providers = [...new Set(after.deliveries.map((e) => e.labels.provider))].sort();
    this.providers.innerHTML = providers.map((p) => {
      const lag = median(before.lag.filter((b) => b.labels.provider === p), after.lag.filter((b) => b.labels.provider === p));
      return `<tr><td>${p}</td><td class="n">${number(applied[p] ?? 0)}</td><td class="n">${number(duplicates[p] ?? 0)}</td>
        <td class="n">${number(refusedRate[p] ?? 0)}</td><td class="n">${lag === null ? '–' : lag === Infinity ? '> 1 d' : `≤ ${duration(lag)}`}</td></tr>`;
    }).join('') || '<tr><td colspan="5" class="none">no deliveries yet</td></tr>';
    this.queues.textContent = after.ready.length === 0 ? 'AMQP: off'
      : `AMQP waiting: ${after.ready.map((q) => `${q.labels.queue} ${q.value}`).join(' · ')}`;
    this.at.textContent = `over the last ${Math.round(seconds)} s`;
  }
}
