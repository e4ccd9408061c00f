// The live map: one circle per vehicle with a position, coloured by its state.
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { escape, stateOf } from './format.js';

const colours = { alert: '#d62728', offline: '#8c8c8c', charging: '#2ca02c', rental: '#1f77b4', idle: '#ff9f1c' };

export class FleetMap {
  constructor(element, onSelect) {
    this.map = L.map(element).setView([52.52, 13.405], 10);
    L.tileLayer('https://tile.openstreetmap.org/{z}/{x}/{y}.png', {
      maxZoom: 19,
      attribution: '&copy; OpenStreetMap contributors',
    }).addTo(this.map);
    this.markers = new Map();
    this.onSelect = onSelect;
    this.fitted = false;
  }

  show(vehicle) {
    const existing = this.markers.get(vehicle.id);
    if (vehicle.latitude === null || vehicle.latitude === undefined) {
      if (existing) this.remove(vehicle.id);
      return;
    }
    const style = { radius: 6, weight: 1, color: '#222', fillColor: colours[stateOf(vehicle)], fillOpacity: 0.9 };
    if (existing) {
      existing.setLatLng([vehicle.latitude, vehicle.longitude]).setStyle(style);
    } else {
      const marker = L.circleMarker([vehicle.latitude, vehicle.longitude], style).addTo(this.map);
      marker.on('click', () => this.onSelect(vehicle.id));
      this.markers.set(vehicle.id, marker);
    }
    this.markers.get(vehicle.id).bindTooltip(`${escape(vehicle.id)} · ${stateOf(vehicle)}`);
  }

  remove(id) {
    this.markers.get(id)?.remove();
    this.markers.delete(id);
  }

  clear() {
    for (const id of [...this.markers.keys()]) this.remove(id);
    this.fitted = false;
  }

  /** Frames the fleet once, when it first has positions. */
  fit() {
    if (this.fitted || this.markers.size === 0) return;
    this.map.fitBounds(L.featureGroup([...this.markers.values()]).getBounds().pad(0.2));
    this.fitted = true;
  }
}
