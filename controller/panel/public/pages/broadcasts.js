import { ONAIR_STRINGS, ON_AIR, quietBox, reasonText, stateBadge, zoneChecks } from '../lib/onair.js'

export const strings = {
  vi: {
    ...ONAIR_STRINGS.vi,
    title: 'Bản tin', recent: 'Bản tin gần đây', none: 'Chưa có bản tin nào.',
    playTitle: 'Phát ngay', playMedia: 'Bản tin cần phát', noApproved: 'Chưa có bản tin nào đã duyệt trong thư viện.',
    level: 'Mức ưu tiên', levelNormal: 'Thường', levelPriority: 'Ưu tiên', chime: 'Phát chuông báo trước', play: 'Phát ngay',
    started: 'Đã bắt đầu phát "{name}"',
    relayTitle: 'Tiếp sóng đài', relayUrl: 'Địa chỉ luồng phát (URL)', relayMinutes: 'Thời lượng (phút)', relay: 'Tiếp sóng',
    relayStarted: 'Đã bắt đầu tiếp sóng',
    live: 'Phát trực tiếp', relayWhat: 'Tiếp sóng', deletedMedia: 'Tệp đã xoá ({id})', more: ' (+{n} tệp)',
    start: 'Bắt đầu', end: 'Kết thúc', delivered: '{done}/{all} cụm loa hoàn tất', stop: 'Dừng', stopped: 'Đã dừng bản tin',
    confirmStop: 'Dừng bản tin "{name}" trên mọi cụm loa?', details: 'Chi tiết phát tới từng cụm loa',
    node: 'Cụm loa', status: 'Trạng thái', time: 'Đã phát / yêu cầu', reason: 'Ghi chú', noNodes: 'Không có cụm loa nào.',
    quietOverride: 'Phát trong giờ yên tĩnh: {reason}'
  },
  en: {
    ...ONAIR_STRINGS.en,
    title: 'Broadcasts', recent: 'Recent broadcasts', none: 'No broadcasts yet.',
    playTitle: 'Play now', playMedia: 'Media to play', noApproved: 'No approved media in the library yet.',
    level: 'Priority', levelNormal: 'Normal', levelPriority: 'Priority', chime: 'Chime first', play: 'Play now',
    started: 'Started "{name}"',
    relayTitle: 'Relay a station', relayUrl: 'Stream address (URL)', relayMinutes: 'Duration (minutes)', relay: 'Relay',
    relayStarted: 'Relay started',
    live: 'Live voice', relayWhat: 'Relay', deletedMedia: 'Deleted media ({id})', more: ' (+{n} files)',
    start: 'Start', end: 'End', delivered: '{done}/{all} speakers completed', stop: 'Stop', stopped: 'Broadcast stopped',
    confirmStop: 'Stop "{name}" on every speaker?', details: 'Delivery per speaker',
    node: 'Speaker', status: 'Status', time: 'Played / requested', reason: 'Note', noNodes: 'No speakers.',
    quietOverride: 'Played in quiet hours: {reason}'
  }
}

export async function render (root, ctx) {
  const { h, t, api } = ctx
  const [media, zones, nodes] = await Promise.all([api('GET', '/media'), api('GET', '/zones'), api('GET', '/nodes')])
  const mediaName = new Map(media.items.map(m => [m.id, m.name]))
  const nodeName = new Map(nodes.items.map(n => [n.id, n.name]))
  const open = new Set()
  const list = h('ul', { class: 'rows broadcast-list', id: 'broadcast-list' })

  const what = b => {
    if (b.source?.kind === 'live') return t('live')
    if (b.source?.kind === 'relay') return `${t('relayWhat')}${b.source.url === undefined ? '' : ': ' + b.source.url}`
    const first = mediaName.get(b.mediaId) ?? t('deletedMedia', { id: b.mediaId })
    return b.playlist.length > 1 ? first + t('more', { n: b.playlist.length - 1 }) : first
  }

  async function load () {
    let items
    try { ({ items } = await api('GET', '/broadcasts?limit=50')) } catch (err) { ctx.fail(err); return }
    ctx.clear(list).append(...items.map(row))
    if (items.length === 0) list.append(h('li', { class: 'muted' }, t('none')))
  }
  let timer
  const reload = () => { clearTimeout(timer); timer = setTimeout(() => { if (list.isConnected) void load() }, 250) }

  function row (b) {
    const name = what(b)
    const done = b.delivery.filter(d => d.status === 'completed').length
    const detail = h('div', { class: 'delivery', hidden: !open.has(b.id) })
    const toggle = h('button', { type: 'button', class: 'link broadcast-what', 'aria-expanded': String(open.has(b.id)), title: t('details') }, name)
    toggle.addEventListener('click', async () => {
      if (open.has(b.id)) { open.delete(b.id); detail.hidden = true; toggle.setAttribute('aria-expanded', 'false'); return }
      open.add(b.id)
      toggle.setAttribute('aria-expanded', 'true')
      await showDelivery(b.id, detail)
    })
    if (open.has(b.id)) void showDelivery(b.id, detail)
    const live = ON_AIR.has(b.state) && b.endedAt === null
    const stop = live && ctx.can('broadcast.start')
      ? h('button', { type: 'button', class: 'danger', dataset: { action: 'stop' }, onclick: async () => {
        if (!confirm(t('confirmStop', { name }))) return
        try { await api('POST', `/broadcasts/${b.id}/stop`); ctx.toast(t('stopped'), 'ok'); await load() } catch (err) { ctx.fail(err); await load() }
      } }, t('stop'))
      : null
    return h('li', { class: 'broadcast', dataset: { broadcast: b.id, state: b.state } },
      h('div', { class: 'broadcast-head' }, toggle, stateBadge(ctx, b.state)),
      h('div', { class: 'muted broadcast-meta' },
        h('span', { class: b.origin.kind === 'emergency' ? 'badge bad' : 'badge' }, t('origin_' + b.origin.kind)),
        b.origin.by === undefined ? null : h('span', {}, b.origin.by),
        h('span', {}, `${t('start')}: ${ctx.when(b.startAt ?? b.createdAt)}`),
        b.endedAt === null ? null : h('span', {}, `${t('end')}: ${ctx.when(b.endedAt)}`),
        h('span', { class: 'delivery-summary' }, t('delivered', { done, all: b.delivery.length }))),
      b.endReason === null ? null : h('div', { class: 'end-reason' }, reasonText(ctx, b.endReason)),
      b.quietOverride === undefined ? null : h('div', { class: 'muted' }, t('quietOverride', { reason: b.quietOverride.reason })),
      stop === null ? null : h('div', { class: 'row' }, stop),
      detail)
  }

  async function showDelivery (id, el) {
    el.hidden = false
    try {
      const b = await api('GET', `/broadcasts/${id}`)
      ctx.clear(el).append(b.delivery.length === 0 ? h('p', { class: 'muted' }, t('noNodes'))
        : h('div', { class: 'table-wrap' }, h('table', {},
          h('thead', {}, h('tr', {}, h('th', {}, t('node')), h('th', {}, t('status')), h('th', {}, t('time')), h('th', {}, t('reason')))),
          h('tbody', {}, b.delivery.map(d => h('tr', { dataset: { node: d.nodeId, status: d.status } },
            h('td', {}, nodeName.get(d.nodeId) ?? d.nodeId),
            h('td', {}, h('span', { class: `badge ${d.status === 'completed' ? 'ok' : ['offline', 'refused', 'missed', 'skipped'].includes(d.status) ? 'bad' : ''}` }, t('del_' + d.status))),
            h('td', {}, `${(d.deliveredMs / 1000).toFixed(1)} / ${(d.requestedMs / 1000).toFixed(1)} s`),
            h('td', {}, reasonText(ctx, d.finishReason))))))))
    } catch (err) { ctx.fail(err) }
  }

  ctx.on('broadcast', reload)
  root.append(h('h1', {}, t('title')))
  if (ctx.can('broadcast.start')) {
    root.append(h('div', { class: 'two' },
      playForm(ctx, media.items.filter(m => (m.approval?.state ?? 'approved') === 'approved'), zones.items, load),
      relayForm(ctx, zones.items, load)))
  }
  root.append(h('section', { class: 'card' }, h('h2', {}, t('recent')), list))
  await load()
}

/** Sends `body()` to `path`; a QUIET_HOURS refusal shows the override box, which resends with the reason. */
function sender (ctx, path, form, quiet, problem, done) {
  const send = async (body, reason) => {
    problem.hidden = true
    try {
      const b = await ctx.api('POST', path, reason === undefined ? body : { ...body, quietOverride: { reason } })
      quietBox(ctx, quiet, null)
      await done(b)
    } catch (err) {
      if (quietBox(ctx, quiet, err, r => send(body, r))) return
      if (err.status === 401) ctx.fail(err)
      problem.textContent = err.message
      problem.hidden = false
    }
  }
  return send
}

function playForm (ctx, approved, zones, reload) {
  const { h, t } = ctx
  const select = h('select', { name: 'mediaId', required: true },
    approved.sort((a, b) => a.name.localeCompare(b.name, 'vi')).map(m => h('option', { value: m.id }, m.name)))
  const picks = zoneChecks(ctx, zones, { name: 'play-zones' })
  const level = h('select', { name: 'priority' }, h('option', { value: '100', selected: true }, `${t('levelNormal')} (100)`), h('option', { value: '150' }, `${t('levelPriority')} (150)`))
  const chime = h('input', { type: 'checkbox', name: 'chime' })
  const problem = h('p', { class: 'error-box', role: 'alert', hidden: true })
  const quiet = h('div', { class: 'quiet-box', role: 'alert', hidden: true })
  const button = h('button', { type: 'submit', class: 'primary', disabled: approved.length === 0 }, t('play'))
  const form = h('form', { class: 'card', dataset: { form: 'play' } }, h('h2', {}, t('playTitle')),
    approved.length === 0 ? h('p', { class: 'muted' }, t('noApproved')) : h('label', {}, t('playMedia'), select),
    picks.el,
    h('label', {}, t('level'), level),
    h('label', { class: 'check-line' }, chime, t('chime')),
    problem, quiet, button)
  const send = sender(ctx, '/broadcasts', form, quiet, problem, async () => {
    ctx.toast(t('started', { name: select.selectedOptions[0]?.textContent ?? '' }), 'ok')
    await reload()
  })
  form.addEventListener('submit', async e => {
    e.preventDefault()
    const chosen = picks.selected()
    if (chosen.length === 0) { problem.textContent = t('pickZone'); problem.hidden = false; return }
    button.disabled = true
    try {
      await send({ mediaId: select.value, zones: chosen, priority: Number(level.value), chime: chime.checked })
    } finally { button.disabled = false }
  })
  return form
}

function relayForm (ctx, zones, reload) {
  const { h, t } = ctx
  const url = h('input', { type: 'url', name: 'url', required: true, placeholder: 'https://…', autocomplete: 'off' })
  const minutes = h('input', { type: 'number', name: 'minutes', min: 1, max: 360, value: '30', required: true, inputmode: 'numeric' })
  const picks = zoneChecks(ctx, zones, { name: 'relay-zones' })
  const problem = h('p', { class: 'error-box', role: 'alert', hidden: true })
  const quiet = h('div', { class: 'quiet-box', role: 'alert', hidden: true })
  const button = h('button', { type: 'submit', class: 'primary' }, t('relay'))
  const form = h('form', { class: 'card', dataset: { form: 'relay' } }, h('h2', {}, t('relayTitle')),
    h('label', {}, t('relayUrl'), url), h('label', {}, t('relayMinutes'), minutes), picks.el, problem, quiet, button)
  const send = sender(ctx, '/relay', form, quiet, problem, async () => { ctx.toast(t('relayStarted'), 'ok'); await reload() })
  form.addEventListener('submit', async e => {
    e.preventDefault()
    const chosen = picks.selected()
    if (chosen.length === 0) { problem.textContent = t('pickZone'); problem.hidden = false; return }
    button.disabled = true
    try {
      await send({ url: url.value.trim(), durationS: Math.round(Number(minutes.value) * 60), zones: chosen })
    } finally { button.disabled = false }
  })
  return form
}
