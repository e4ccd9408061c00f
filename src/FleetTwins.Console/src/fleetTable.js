// The fleet table: the search result, kept live by the fleet watch, sortable by any column.
import { agoHtml, escape, number, stateLabel, stateOf } from './format.js';

export class FleetTable {
  constructor(table, onSelect) {
    this.body = table.querySelector('tbody');
    this.sortKey = 'id';
    this.ascending = true;
    for (const th of table.querySelectorAll('th[data-key]')) {
      th.addEventListener('click', () => {
        this.ascending = this.sortKey === th.dataset.key ? !this.ascending : true;
        this.sortKey = th.dataset.key;
        for (const other of table.querySelectorAll('th')) other.removeAttribute('aria-sort');
        th.setAttribute('aria-sort', this.ascending ? 'ascending' : 'descending');
        this.render(this.last ?? []);
      });
    }
    this.body.addEventListener('click', (e) => {
      const row = e.target.closest('tr[data-id]');
      if (row) onSelect(row.dataset.id);
    });
  }

  render(vehicles) {
    this.last = vehicles;
    const key = this.sortKey;
    const now = Date.now();
    const value = (v) => (key === 'state' ? stateOf(v, now) : v[key]);
    const unset = (x) => x === null || x === undefined;
    // Vehicles without a value sort last either way, as in the API's sort.
    const sorted = [...vehicles].sort((a, b) => {
      const x = value(a);
      const y = value(b);
      if (unset(x) || unset(y)) return unset(x) === unset(y) ? 0 : unset(x) ? 1 : -1;
      const order = x === y ? 0 : x < y ? -1 : 1;
      return this.ascending ? order : -order;
    });
    this.body.innerHTML = sorted
      .map((v) => {
        const state = stateOf(v, now);
        return `<tr data-id="${escape(v.id)}" class="${state}">
          <td>${escape(v.id)}</td><td>${escape(v.vin ?? '–')}</td>
          <td><span class="dot ${state}"></span>${escape(stateLabel(v, now))}</td><td class="n">${number(v.soc)}</td>
          <td>${escape(v.charging ?? '–')}</td><td>${escape(v.plug ?? '–')}</td><td class="n">${number(v.odometer, 0)}</td>
          <td class="n">${v.alerts ?? 0}</td><td>${agoHtml(v.lastSeenAt, now)}</td></tr>`;
      })
      .join('');
  }
}
