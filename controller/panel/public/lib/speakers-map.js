/**
 * The speakers page's map: Leaflet served by the controller, one coloured circle per located node (no marker
 * images), popups built from DOM nodes. The base tiles come from the configured tile server and are optional:
 * without internet they fail, and the markers still show on a plain background.
 */
import * as L from '/panel/vendor/leaflet/leaflet-src.esm.js'

const CSS = '/panel/vendor/leaflet/leaflet.css'
const TILE_TIMEOUT_MS = 8000
let cssReady

/** Adds Leaflet's stylesheet to the page once; resolves when it loaded (or failed: the map still works). */
export function leafletCss () {
  cssReady ??= new Promise(resolve => {
    if (document.querySelector(`link[href="${CSS}"]`) !== null) { resolve(); return }
    const link = document.createElement('link')
    link.rel = 'stylesheet'
    link.href = CSS
    link.addEventListener('load', () => resolve())
    link.addEventListener('error', () => resolve())
    document.head.append(link)
    setTimeout(resolve, 3000)
  })
  return cssReady
}

/**
 * A map in `el`. tilesUrl '' means no base layer. onTiles(ok) tells whether the base tiles load (false at once
 * when there is no tile server, after a tile error, or when none loaded within a few seconds).
 * Returns { update(nodes, look), pick(fn), draft(location), remove(), invalidate() }, or null if el left the page while
 * Leaflet's CSS loaded; look = { color(n), popup(n) → HTMLElement, label(n) }.
 */
export async function createMap (el, { tilesUrl, onTiles }) {
  await leafletCss()
  if (!el.isConnected) return null // the user left the page meanwhile
  const map = L.map(el, { zoomControl: true, attributionControl: true, center: [16, 106], zoom: 5 })
  map.attributionControl.setPrefix(false)
  let timer
  if (tilesUrl === '' || tilesUrl === undefined) {
    onTiles(false)
  } else {
    let loaded = false
    const layer = L.tileLayer(tilesUrl, {
      maxZoom: 19,
      attribution: /openstreetmap/i.test(tilesUrl) ? '© OpenStreetMap' : ''
    })
    layer.on('tileload', () => { loaded = true; clearTimeout(timer); onTiles(true) })
    layer.on('tileerror', () => { if (!loaded) onTiles(false) })
    layer.addTo(map)
    timer = setTimeout(() => { if (!loaded) onTiles(false) }, TILE_TIMEOUT_MS)
  }

  const markers = new Map()
  let fitted = ''
  const remove = () => {
    clearTimeout(timer)
    window.removeEventListener('hashchange', remove)
    map.remove()
  }
  // The panel swaps pages on a hash change: the map must not outlive its page (window listeners, timers).
  window.addEventListener('hashchange', remove)

  function update (nodes, look) {
    const located = nodes.filter(n => n.location !== null && n.location !== undefined)
    const ids = new Set(located.map(n => n.id))
    for (const [id, m] of markers) if (!ids.has(id)) { m.remove(); markers.delete(id) }
    for (const n of located) {
      const color = look.color(n)
      const style = { color: '#ffffff', weight: 2, fillColor: color, fillOpacity: 0.95, radius: 10 }
      let m = markers.get(n.id)
      if (m === undefined) {
        m = L.circleMarker([n.location.lat, n.location.lon], style).addTo(map)
        markers.set(n.id, m)
      } else {
        m.setLatLng([n.location.lat, n.location.lon]).setStyle(style)
      }
      m.bindPopup(look.popup(n))
      const path = m.getElement()
      if (path !== undefined && path !== null) {
        path.setAttribute('data-node', n.id)
        path.setAttribute('data-online', String(n.online))
        path.setAttribute('aria-label', look.label(n))
        path.setAttribute('role', 'button')
      }
    }
    ring?.bringToFront()
    // Fit only when the set of places changes, not on every status change (the user may be looking around).
    const key = located.map(n => `${n.id}:${n.location.lat},${n.location.lon}`).sort().join('|')
    if (key !== fitted && located.length > 0) {
      fitted = key
      const bounds = L.latLngBounds(located.map(n => [n.location.lat, n.location.lon]))
      map.fitBounds(bounds, { padding: [30, 30], maxZoom: 16 })
    }
  }

  /**
   * Choosing a place: while fn is set, a click (or tap) on the map calls fn({ lat, lon }) (rounded to 6 decimals,
   * about 10 cm, and wrapped into -180..180). pick(null) ends it.
   */
  let picked = null
  const round = v => Math.round(v * 1e6) / 1e6
  const onClick = e => {
    const p = e.latlng.wrap()
    picked?.({ lat: round(p.lat), lon: round(p.lng) })
  }
  function pick (fn) {
    picked = fn
    map.off('click', onClick)
    if (fn !== null) map.on('click', onClick)
    el.classList.toggle('picking', fn !== null)
  }

  /** The place being chosen, as a hollow dashed ring over the map (not a node: no data-node), or none. */
  let ring = null
  function draft (location) {
    if (location === null || location === undefined) { ring?.remove(); ring = null; return }
    const at = [location.lat, location.lon]
    if (ring === null) {
      ring = L.circleMarker(at, { radius: 14, color: '#0b6e4f', weight: 3, dashArray: '4 4', fill: false, interactive: false }).addTo(map)
      ring.getElement()?.setAttribute('data-draft', '')
    } else ring.setLatLng(at)
    ring.bringToFront()
    if (!map.getBounds().contains(at)) map.panTo(at)
  }

  return { update, pick, draft, remove, invalidate: () => map.invalidateSize() }
}
