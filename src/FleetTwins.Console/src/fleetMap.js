// The live map: one circle per vehicle with a position, coloured by its state, over a basemap that needs no internet
// (country and coastline outlines bundled from world-atlas, Natural Earth 1:50m) with OpenStreetMap tiles on top once
// one of them loads.
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { feature, mesh } from 'topojson-client';
import countriesUrl from 'world-atlas/countries-50m.json?url';
import { escape, stateLabel, stateOf } from './format.js';

const colours = { alert: '#d62728', offline: '#8c8c8c', charging: '#2ca02c', rental: '#1f77b4', idle: '#ff9f1c' };

export class FleetMap {
  constructor(element, onSelect) {
    this.map = L.map(element).setView([52.52, 13.405], 10);
    // The zoom level, readable from outside (the browser check frames its screenshot by it).
    this.map.on('zoomend', () => { element.dataset.zoom = String(this.map.getZoom()); });
    this.map.createPane('basemap').style.zIndex = 150; // under the tiles (200): they cover it where they load
    this.basemap = this.loadBasemap();
    const tiles = L.tileLayer('https://tile.openstreetmap.org/{z}/{x}/{y}.png', {
      maxZoom: 19,
      opacity: 0,
      attribution: '&copy; OpenStreetMap contributors',
    }).addTo(this.map);
    // Shown only once a tile arrived: offline, failed tiles would hide nothing but still look broken.
    tiles.once('tileload', () => tiles.setOpacity(1));
    this.markers = new Map();
    this.onSelect = onSelect;
    this.fitted = false;
  }

  async loadBasemap() {
    const world = await (await fetch(countriesUrl)).json();
    const renderer = L.canvas({ pane: 'basemap' });
    L.geoJSON(feature(world, world.objects.land), {
      pane: 'basemap', renderer, interactive: false, style: { color: '#8a9aa6', weight: 1, fillColor: '#f2efe6', fillOpacity: 1 },
    }).addTo(this.map);
    L.geoJSON(mesh(world, world.objects.countries, (a, b) => a !== b), {
      pane: 'basemap', renderer, interactive: false, style: { color: '#a9a39a', weight: 1, dashArray: '4 3' },
    }).addTo(this.map);
    this.map.attributionControl.addAttribution('outlines: Natural Earth via world-atlas');
    this.map.getContainer().dataset.basemap = 'ready';
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
    this.markers.get(vehicle.id).bindTooltip(`${escape(vehicle.id)} · ${escape(stateLabel(vehicle))}`);
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
