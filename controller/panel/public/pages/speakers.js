import { createEditor, strings as editStrings } from '../lib/speaker-edit.js'

export const strings = {
  vi: {
    ...editStrings.vi,
    title: 'Cụm loa', list: 'Danh sách cụm loa', map: 'Bản đồ', empty: 'Chưa có cụm loa nào.', noZone: 'Không rõ khu vực',
    lastSeen: 'Lần cuối: {when}', neverSeen: 'Chưa kết nối lần nào', reported: 'Loa báo âm lượng: {v}', volume: 'Âm lượng', volumeNumber: 'Mức (0–100)',
    setVolume: 'Đặt âm lượng', volumeApplied: 'Đã đặt âm lượng {v} cho {name}; cụm loa đã xác nhận.',
    volumeOffline: 'Đã lưu âm lượng {v} cho {name}; cụm loa đang mất kết nối, sẽ nhận khi kết nối lại.',
    volumeUnconfirmed: 'Đã lưu âm lượng {v} cho {name}, nhưng cụm loa chưa xác nhận.', volumeInvalid: 'Âm lượng phải là số từ 0 đến 100.',
    noLocation: 'Chưa có vị trí', noneLocated: 'Chưa có cụm loa nào có vị trí trên bản đồ.',
    tilesFailed: 'Không tải được bản đồ nền; vị trí loa vẫn hiển thị', mapFailed: 'Không mở được bản đồ; danh sách cụm loa vẫn dùng được.',
    add: 'Thêm cụm loa', nodeName: 'Tên cụm loa', zone: 'Khu vực', lat: 'Vĩ độ (không bắt buộc)', lon: 'Kinh độ (không bắt buộc)',
    createNode: 'Tạo cụm loa', needZone: 'Hãy tạo khu vực trước khi thêm cụm loa.', toZones: 'Đến trang Khu vực',
    bothCoords: 'Nhập cả vĩ độ và kinh độ, hoặc để trống cả hai.', created: 'Đã thêm cụm loa {name}', deleted: 'Đã xoá {name}',
    credsTitle: 'Thông tin kết nối của {name}', credsWarning: 'Hãy sao chép ngay! Mật khẩu chỉ hiện một lần này; sau khi đóng sẽ không xem lại được.',
    credUser: 'Tên đăng nhập MQTT', credPassword: 'Mật khẩu MQTT', credPort: 'Cổng MQTT', credWsPath: 'Đường dẫn WebSocket',
    credMqttUrl: 'Địa chỉ MQTT', credWsUrl: 'Địa chỉ MQTT qua WebSocket',
    copy: 'Sao chép', copied: 'Đã sao chép', copyManual: 'Hãy chọn và sao chép bằng tay', credsDone: 'Tôi đã lưu, đóng lại',
    renew: 'Cấp mật khẩu mới', renewConfirm: 'Cấp mật khẩu MQTT mới cho {name}?\n\nMật khẩu cũ hết hiệu lực ngay: cụm loa sẽ bị ngắt kết nối và chỉ kết nối lại được sau khi nhập mật khẩu mới vào thiết bị.',
    renewed: 'Đã cấp mật khẩu mới cho {name}', renewedNote: 'Mật khẩu cũ đã hết hiệu lực: hãy nhập mật khẩu mới này vào cụm loa để nó kết nối lại.'
  },
  en: {
    ...editStrings.en,
    title: 'Speakers', list: 'Speaker list', map: 'Map', empty: 'No speakers yet.', noZone: 'Unknown zone',
    lastSeen: 'Last seen: {when}', neverSeen: 'Never connected', reported: 'Reported volume: {v}', volume: 'Volume', volumeNumber: 'Level',
    setVolume: 'Set volume', volumeApplied: 'Volume {v} set on {name}; the speaker confirmed.',
    volumeOffline: 'Volume {v} saved for {name}; the speaker is offline and gets it when it reconnects.',
    volumeUnconfirmed: 'Volume {v} saved for {name}, but the speaker has not confirmed it.', volumeInvalid: 'The volume must be a number from 0 to 100.',
    noLocation: 'No location', noneLocated: 'No speaker has a location on the map yet.',
    tilesFailed: 'The base map could not be loaded; speaker positions still show', mapFailed: 'The map could not open; the speaker list still works.',
    add: 'Add a speaker', nodeName: 'Speaker name', zone: 'Zone', lat: 'Latitude (optional)', lon: 'Longitude (optional)',
    createNode: 'Create speaker', needZone: 'Create a zone before adding speakers.', toZones: 'Go to Zones',
    bothCoords: 'Enter both latitude and longitude, or leave both empty.', created: 'Speaker {name} added', deleted: '{name} deleted',
    credsTitle: 'Connection details for {name}', credsWarning: 'Copy these now! The password is shown this once only; after closing it cannot be seen again.',
    credUser: 'MQTT username', credPassword: 'MQTT password', credPort: 'MQTT port', credWsPath: 'WebSocket path',
    credMqttUrl: 'MQTT address', credWsUrl: 'MQTT over WebSocket address',
    copy: 'Copy', copied: 'Copied', copyManual: 'Select and copy it by hand', credsDone: 'I saved them, close',
    renew: 'New password', renewConfirm: 'Issue a new MQTT password for {name}?\n\nThe old password stops working at once: the speaker is disconnected and can only reconnect once the new password is entered in it.',
    renewed: 'New password issued for {name}', renewedNote: 'The old password no longer works: enter this new one in the speaker so it reconnects.'
  }
}

const COLOURS = { playing: '#1565c0', online: '#1a7f37', offline: '#c62828' }
const statusOf = n => !n.online ? 'offline' : n.playing !== null ? 'playing' : 'online'

export async function render (root, ctx) {
  const { h, t, api } = ctx
  const nodes = new Map()
  const zones = new Map()
  const rows = new Map()
  // app.js does not cancel a page that is still loading when the user moves on: stop drawing then.
  let gone = false
  window.addEventListener('hashchange', () => { gone = true }, { once: true })
  async function load () {
    const [n, z] = await Promise.all([api('GET', '/nodes'), api('GET', '/zones')])
    nodes.clear(); zones.clear()
    for (const x of n.items) nodes.set(x.id, x)
    for (const x of z.items) zones.set(x.id, x)
  }
  await load()

  const zoneName = n => zones.get(n.zoneId)?.name ?? t('noZone')
  const statusText = n => t(statusOf(n))
  const badge = n => h('span', { class: `badge ${{ online: 'ok', offline: 'bad', playing: 'play' }[statusOf(n)]}`, dataset: { status: statusOf(n) } }, statusText(n))
  const info = n => [zoneName(n), (n.lastSeen === null ? t('neverSeen') : t('lastSeen', { when: ctx.when(n.lastSeen) })), t('reported', { v: n.reportedVolume ?? '—' })].join(' · ')
  const sorted = () => [...nodes.values()].sort((a, b) => a.name.localeCompare(b.name, 'vi'))

  const list = h('ul', { class: 'node-list', id: 'node-list' })
  const noLocation = h('ul', { class: 'rows', id: 'no-location' })
  const tilesNote = h('p', { class: 'muted map-note', id: 'tiles-note', hidden: true }, t('tilesFailed'))
  const mapEl = h('div', { class: 'map', id: 'node-map' })
  const credsBox = h('div', { id: 'credentials-box' })
  let map = null
  const editor = createEditor(ctx, {
    zones,
    onSaved: node => {
      nodes.set(node.id, node)
      drawList()
    }
  })

  function volumeForm (n) {
    const range = h('input', { type: 'range', name: 'volume', min: 0, max: 100, step: 1, value: n.volume })
    const num = h('input', { type: 'number', name: 'volumeNumber', min: 0, max: 100, step: 1, value: n.volume, inputmode: 'numeric' })
    const button = h('button', { type: 'submit' }, t('setVolume'))
    range.addEventListener('input', () => { num.value = range.value })
    num.addEventListener('input', () => { if (num.value !== '') range.value = num.value })
    const form = h('form', { class: 'vol' }, h('label', {}, t('volume'), range), h('label', {}, t('volumeNumber'), num),
      h('div', { class: 'vol-actions' }, button))
    form.addEventListener('submit', async e => {
      e.preventDefault()
      const v = Number(num.value)
      if (num.value === '' || !Number.isInteger(v) || v < 0 || v > 100) { ctx.toast(t('volumeInvalid'), 'error'); return }
      button.disabled = true
      try {
        const r = await api('PUT', `/nodes/${encodeURIComponent(n.id)}/volume`, { volume: v })
        const node = nodes.get(n.id)
        if (node !== undefined) Object.assign(node, r.node)
        const params = { v, name: n.name }
        if (r.applied) ctx.toast(t('volumeApplied', params), 'ok')
        else ctx.toast(t(r.node.online ? 'volumeUnconfirmed' : 'volumeOffline', params), 'info')
        refreshRow(n.id)
      } catch (err) { ctx.fail(err) } finally { button.disabled = false }
    })
    return form
  }

  /** Managing the speaker itself (fleet.manage): edit, new password, delete. */
  const manageButtons = n => h('div', { class: 'row node-manage' },
    h('button', { type: 'button', class: 'edit-node', onclick: () => editor.open(nodes.get(n.id) ?? n, rows.get(n.id)) }, t('edit')),
    h('button', { type: 'button', class: 'renew-node', onclick: () => renew(nodes.get(n.id) ?? n) }, t('renew')),
    h('button', { type: 'button', class: 'danger', onclick: () => remove(n) }, t('delete')))

  function row (n) {
    const li = h('li', { dataset: { node: n.id, online: String(n.online) } })
    const head = h('div', { class: 'node-head' }, h('strong', {}, n.name), badge(n))
    const line = h('div', { class: 'muted node-info' }, info(n))
    li.append(head, line)
    if (ctx.can('node.volume')) li.append(volumeForm(n))
    if (ctx.can('fleet.manage')) li.append(manageButtons(n))
    rows.set(n.id, { li, head, line })
    return li
  }

  /** A live change: only the status parts of the row, so a half-moved volume slider is not reset. */
  function refreshRow (id) {
    const n = nodes.get(id)
    const r = rows.get(id)
    if (n === undefined || r === undefined) return
    r.li.dataset.online = String(n.online)
    r.head.lastChild.replaceWith(badge(n))
    r.line.textContent = info(n)
    drawMap()
  }

  function drawList () {
    editor.close()
    rows.clear()
    const all = sorted()
    ctx.clear(list).append(...all.map(row))
    if (all.length === 0) list.append(h('li', { class: 'muted' }, t('empty')))
    drawMap()
  }

  const noLocationTitle = h('h3', {}, t('noLocation'))
  const noneLocated = h('p', { class: 'muted map-note', id: 'none-located', hidden: true }, t('noneLocated'))
  const popup = n => h('div', { class: 'node-popup', dataset: { node: n.id } },
    h('strong', {}, n.name), h('div', {}, zoneName(n)), h('div', {}, badge(n)))
  function drawMap () {
    const unlocated = sorted().filter(n => n.location === null)
    ctx.clear(noLocation).append(...unlocated.map(n => h('li', { dataset: { node: n.id, online: String(n.online) } }, h('span', {}, n.name), badge(n))))
    noLocation.hidden = unlocated.length === 0
    noLocationTitle.hidden = unlocated.length === 0
    noneLocated.hidden = unlocated.length < nodes.size || nodes.size === 0
    map?.update([...nodes.values()], { color: n => COLOURS[statusOf(n)], popup, label: n => `${n.name}: ${statusText(n)}` })
  }
  async function remove (n) {
    if (!window.confirm(t('confirmDelete', { name: n.name }))) return
    try {
      await api('DELETE', `/nodes/${encodeURIComponent(n.id)}`)
      ctx.toast(t('deleted', { name: n.name }), 'ok')
      await load()
      drawList()
    } catch (err) { ctx.fail(err) }
  }

  async function renew (n) {
    if (!window.confirm(t('renewConfirm', { name: n.name }))) return
    try {
      const r = await api('POST', `/nodes/${encodeURIComponent(n.id)}/credentials`)
      const node = nodes.get(n.id)
      if (node !== undefined) Object.assign(node, r.node)
      refreshRow(n.id)
      ctx.toast(t('renewed', { name: r.node.name }), 'ok')
      credentialsCard(r.node, r.credentials, true)
    } catch (err) { ctx.fail(err) }
  }

  /** The one-time card with a node's MQTT details: after creating it, or after a new password (renewed). */
  function credentialsCard (node, c, renewed = false) {
    const field = (key, value, name) => {
      // The password and the addresses are long: a wrapping text box shows all of it on a phone.
      const wide = ['password', 'mqttUrl', 'wsUrl'].includes(name)
      const input = wide
        ? h('textarea', { readonly: true, rows: name === 'password' ? 2 : 1, value: String(value), dataset: { cred: name }, spellcheck: 'false' })
        : h('input', { readonly: true, value: String(value), dataset: { cred: name }, autocomplete: 'off', spellcheck: 'false' })
      const copy = async () => {
        input.select()
        try {
          await navigator.clipboard.writeText(input.value)
          ctx.toast(t('copied'), 'ok')
        } catch {
          // Plain http on the commune's network is not a "secure context": no clipboard API, the old way may work.
          ctx.toast(document.execCommand('copy') ? t('copied') : t('copyManual'), 'ok')
        }
      }
      return h('div', { class: wide ? 'cred wide' : 'cred' }, h('label', {}, t(key), input), h('button', { type: 'button', onclick: copy }, t('copy')))
    }
    const card = h('section', { class: 'card creds', id: 'node-credentials', role: 'alertdialog', 'aria-labelledby': 'creds-title', tabindex: '-1' },
      h('h2', { id: 'creds-title' }, t('credsTitle', { name: node.name })),
      h('p', { class: 'error-box' }, t('credsWarning')),
      renewed ? h('p', { class: 'renewed-note' }, t('renewedNote')) : null,
      field('credUser', c.username, 'username'), field('credPassword', c.password, 'password'),
      // The API knows its ports, not the name the speakers reach it by: the address this panel was opened at.
      field('credMqttUrl', `mqtt://${location.hostname}:${c.mqttPort}`, 'mqttUrl'),
      field('credWsUrl', `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${c.wsPath}`, 'wsUrl'),
      field('credPort', c.mqttPort, 'mqttPort'), field('credWsPath', c.wsPath, 'wsPath'),
      h('button', { type: 'button', class: 'primary', onclick: () => ctx.clear(credsBox) }, t('credsDone')))
    ctx.clear(credsBox).append(card)
    for (const box of card.querySelectorAll('textarea')) { box.style.height = 'auto'; box.style.height = `${box.scrollHeight + 2}px` }
    card.scrollIntoView({ block: 'start' })
    card.focus({ preventScroll: true })
  }

  function addForm () {
    if (zones.size === 0) {
      return h('section', { class: 'card' }, h('h2', {}, t('add')), h('p', { class: 'muted' }, t('needZone')), h('a', { href: '#/zones' }, t('toZones')))
    }
    const zoneOptions = [...zones.values()].sort((a, b) => a.name.localeCompare(b.name, 'vi')).map(z => h('option', { value: z.id }, z.name))
    const form = h('form', { class: 'add-node' },
      h('label', {}, t('nodeName'), h('input', { name: 'name', required: true, maxlength: 100, autocomplete: 'off' })),
      h('label', {}, t('zone'), h('select', { name: 'zoneId', required: true }, zoneOptions)),
      h('div', { class: 'coords' },
        h('label', {}, t('lat'), h('input', { name: 'lat', type: 'number', step: 'any', min: -90, max: 90, inputmode: 'decimal', placeholder: '20.65' })),
        h('label', {}, t('lon'), h('input', { name: 'lon', type: 'number', step: 'any', min: -180, max: 180, inputmode: 'decimal', placeholder: '106.05' }))),
      h('button', { type: 'submit', class: 'primary' }, t('createNode')))
    form.addEventListener('submit', async e => {
      e.preventDefault()
      const d = Object.fromEntries(new FormData(form))
      const body = { name: String(d.name).trim(), zoneId: d.zoneId }
      if ((d.lat === '') !== (d.lon === '')) { ctx.toast(t('bothCoords'), 'error'); return }
      if (d.lat !== '') body.location = { lat: Number(d.lat), lon: Number(d.lon) }
      try {
        const r = await api('POST', '/nodes', body)
        ctx.toast(t('created', { name: r.node.name }), 'ok')
        form.reset()
        await load()
        drawList()
        credentialsCard(r.node, r.credentials)
      } catch (err) { ctx.fail(err) }
    })
    return h('details', { class: 'card add-form', id: 'add-node' }, h('summary', {}, t('add')), form)
  }

  if (gone) return
  ctx.clear(root).append(h('div', {},
    h('h1', {}, t('title')),
    credsBox,
    ctx.can('fleet.manage') ? addForm() : null,
    h('div', { class: 'two speakers' },
      h('section', { class: 'card' }, h('h2', {}, t('list')), list),
      h('section', { class: 'card' }, h('h2', {}, t('map')), tilesNote, noneLocated, editor.note, mapEl, noLocationTitle, noLocation))))

  drawList()
  ctx.on('node', e => {
    const n = nodes.get(e.id)
    if (n === undefined) return
    Object.assign(n, { online: e.online, playing: e.playing, lastSeen: e.lastSeen })
    refreshRow(e.id)
  })
  try {
    const { createMap } = await import('../lib/speakers-map.js')
    if (gone) return
    map = await createMap(mapEl, { tilesUrl: ctx.settings.mapTilesUrl ?? '', onTiles: ok => { tilesNote.hidden = ok } })
    drawMap()
    editor.setMap(map)
  } catch (err) {
    console.warn('map', err)
    editor.mapFailed()
    mapEl.replaceWith(h('p', { class: 'muted map-note' }, t('mapFailed')))
  }
}
