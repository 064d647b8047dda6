/**
 * The speakers page's edit form (fleet.manage): a node's name, zone and place, opened inside its row of the list.
 * The place can be typed or picked by a click on the page's map; a dashed ring there shows the place chosen.
 * One form at a time: opening another closes the first. The page merges `strings` into its own (it also needs
 * the page's `bothCoords` and `noZone`).
 */
export const strings = {
  vi: {
    editTitle: 'Sửa {name}', editName: 'Tên cụm loa', editZone: 'Khu vực', editLat: 'Vĩ độ', editLon: 'Kinh độ',
    pickHint: 'Bấm vào bản đồ để chọn vị trí', toMap: 'Xem bản đồ', clearLocation: 'Xoá vị trí',
    pickFor: 'Bấm vào bản đồ để chọn vị trí cho {name}.', pickedFor: 'Vị trí đã chọn cho {name}: {lat}, {lon}. Bấm “Lưu” để lưu lại.',
    backToForm: 'Quay lại biểu mẫu', nameRequired: 'Hãy nhập tên cụm loa.',
    latRange: 'Vĩ độ phải là một số từ -90 đến 90 (ví dụ 20.65).', lonRange: 'Kinh độ phải là một số từ -180 đến 180 (ví dụ 106.05).',
    nodeSaved: 'Đã lưu cụm loa {name}', unchanged: 'Không có thay đổi nào.'
  },
  en: {
    editTitle: 'Edit {name}', editName: 'Speaker name', editZone: 'Zone', editLat: 'Latitude', editLon: 'Longitude',
    pickHint: 'Click on the map to choose the place', toMap: 'Show the map', clearLocation: 'Clear the location',
    pickFor: 'Click on the map to choose the place of {name}.', pickedFor: 'Place chosen for {name}: {lat}, {lon}. Press “Save” to keep it.',
    backToForm: 'Back to the form', nameRequired: 'Enter the speaker\'s name.',
    latRange: 'The latitude must be a number from -90 to 90 (e.g. 20.65).', lonRange: 'The longitude must be a number from -180 to 180 (e.g. 106.05).',
    nodeSaved: 'Speaker {name} saved', unchanged: 'Nothing changed.'
  }
}

const sameLocation = (a, b) => a === null ? b === null : b !== null && a.lat === b.lat && a.lon === b.lon

/**
 * zones: the page's Map of zones (id → zone), kept current by the page. onSaved(node) gets the PATCH answer.
 * Returns { note, open(node, row), close(), setMap(map), mapFailed() }: `note` goes above the map (what to do
 * there, and the place picked); row = { li, head, line } (the rest of the row is hidden while the form is open).
 */
export function createEditor (ctx, { zones, onSaved }) {
  const { h, t } = ctx
  let map = null
  let mapOk = true
  let current = null // { node, form, close, onPick, location }
  const note = h('div', { class: 'map-pick', id: 'map-pick', hidden: true, 'aria-live': 'polite' })

  function showNote (node, picked) {
    const back = h('button', { type: 'button', class: 'link', onclick: () => { current?.form.scrollIntoView({ block: 'center' }); current?.form.querySelector('button[type=submit]')?.focus({ preventScroll: true }) } }, t('backToForm'))
    ctx.clear(note).append(h('span', {}, picked === null ? t('pickFor', { name: node.name }) : t('pickedFor', { name: node.name, ...picked })))
    if (picked !== null) note.append(back)
    note.hidden = !mapOk
  }

  function open (node, row) {
    close()
    const input = (name, attrs) => h('input', { name, autocomplete: 'off', ...attrs })
    const name = input('name', { required: true, maxlength: 100, value: node.name })
    const zone = h('select', { name: 'zoneId' }, [...zones.values()].sort((a, b) => a.name.localeCompare(b.name, 'vi')).map(z => h('option', { value: z.id }, z.name)),
      zones.has(node.zoneId) ? null : h('option', { value: node.zoneId }, t('noZone')))
    zone.value = node.zoneId
    const coord = (name, min, max, v) => input(name, { type: 'number', step: 'any', min, max, inputmode: 'decimal', value: v === undefined ? '' : String(v) })
    const lat = coord('lat', -90, 90, node.location?.lat)
    const lon = coord('lon', -180, 180, node.location?.lon)
    const error = h('p', { class: 'error-box form-error', role: 'alert', hidden: true })
    const save = h('button', { type: 'submit', class: 'primary' }, t('save'))
    const hint = h('p', { class: 'muted pick-hint', hidden: !mapOk }, t('pickHint'), ' ',
      h('button', { type: 'button', class: 'link', onclick: () => note.scrollIntoView({ block: 'start', behavior: 'smooth' }) }, t('toMap')))
    const form = h('form', { class: 'node-edit', novalidate: true, dataset: { edit: node.id }, 'aria-label': t('editTitle', { name: node.name }) },
      h('h3', {}, t('editTitle', { name: node.name })),
      h('label', {}, t('editName'), name),
      h('label', {}, t('editZone'), zone),
      hint,
      h('div', { class: 'coords' }, h('label', {}, t('editLat'), lat), h('label', {}, t('editLon'), lon)),
      h('button', { type: 'button', class: 'link clear-location', onclick: () => { lat.value = ''; lon.value = ''; typed() } }, t('clearLocation')),
      error,
      h('div', { class: 'edit-actions' }, save, h('button', { type: 'button', onclick: () => close() }, t('cancel'))))

    const fail = (message, field) => {
      error.textContent = message
      error.hidden = false
      for (const f of [name, lat, lon]) f.removeAttribute('aria-invalid')
      field?.setAttribute('aria-invalid', 'true')
      field?.focus()
      return null
    }
    const fine = () => { error.hidden = true; for (const f of [name, lat, lon]) f.removeAttribute('aria-invalid') }
    /** { location } (null when both are empty) or { error, field }. */
    function readLocation () {
      const empty = f => f.value.trim() === '' && !f.validity.badInput
      if (empty(lat) && empty(lon)) return { location: null }
      if (empty(lat) !== empty(lon)) return { error: t('bothCoords'), field: empty(lat) ? lat : lon }
      const a = Number(lat.value)
      const b = Number(lon.value)
      if (lat.validity.badInput || !Number.isFinite(a) || a < -90 || a > 90) return { error: t('latRange'), field: lat }
      if (lon.validity.badInput || !Number.isFinite(b) || b < -180 || b > 180) return { error: t('lonRange'), field: lon }
      return { location: { lat: a, lon: b } }
    }
    /** Typed coordinates move the ring on the map as soon as they make a place. */
    function typed () {
      fine()
      const r = readLocation()
      if (r.error === undefined) { current.location = r.location; map?.draft(r.location) }
    }
    lat.addEventListener('input', typed)
    lon.addEventListener('input', typed)
    name.addEventListener('input', fine)
    form.addEventListener('keydown', e => { if (e.key === 'Escape') close() })

    form.addEventListener('submit', async e => {
      e.preventDefault()
      const newName = name.value.trim()
      if (newName === '') return fail(t('nameRequired'), name)
      const r = readLocation()
      if (r.error !== undefined) return fail(r.error, r.field)
      const body = {}
      if (newName !== node.name) body.name = newName
      if (zone.value !== node.zoneId) body.zoneId = zone.value
      if (body.name === undefined && body.zoneId === undefined && sameLocation(node.location, r.location)) {
        close()
        ctx.toast(t('unchanged'))
        return
      }
      body.location = r.location
      save.disabled = true
      try {
        const updated = await ctx.api('PATCH', `/nodes/${encodeURIComponent(node.id)}`, body)
        close()
        onSaved(updated)
        ctx.toast(t('nodeSaved', { name: updated.name }), 'ok')
      } catch (err) {
        ctx.fail(err)
        if (err.code === 'NODE_NAME_TAKEN') name.focus()
        else if (err.code === 'ZONE_NOT_FOUND') zone.focus()
      } finally { save.disabled = false }
    })

    const hidden = [...row.li.children].filter(c => c !== row.head && c !== row.line && !c.hidden)
    for (const c of hidden) c.hidden = true
    row.li.classList.add('editing')
    row.line.after(form)
    const onPick = p => {
      lat.value = String(p.lat)
      lon.value = String(p.lon)
      fine()
      current.location = p
      map?.draft(p)
      showNote(node, p)
    }
    current = {
      node, form, onPick, location: node.location,
      close: () => {
        form.remove()
        for (const c of hidden) c.hidden = false
        row.li.classList.remove('editing')
        if (row.li.isConnected && row.li.contains(document.activeElement) === false) row.li.querySelector('button.edit-node')?.focus({ preventScroll: true })
      }
    }
    map?.pick(onPick)
    map?.draft(node.location)
    showNote(node, null)
    name.focus()
  }

  function close () {
    if (current === null) return
    const c = current
    current = null
    c.close()
    map?.pick(null)
    map?.draft(null)
    note.hidden = true
  }

  return {
    note,
    open,
    close,
    /** The map came (it loads after the list): a form already open starts picking on it. */
    setMap (m) {
      map = m
      if (current !== null && map !== null) { map.pick(current.onPick); map.draft(current.location) }
    },
    /** No map: the form says nothing about clicking on it. */
    mapFailed () {
      mapOk = false
      note.hidden = true
      current?.form.querySelector('.pick-hint')?.setAttribute('hidden', '')
    }
  }
}
