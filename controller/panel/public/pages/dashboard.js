export const strings = {
  vi: {
    title: 'Tổng quan', online: 'Trực tuyến', offline: 'Mất kết nối', playingCount: 'Đang phát', total: 'Tổng số cụm loa',
    now: 'Đang phát', next: 'Sắp phát', alerts: 'Cần chú ý', noAlerts: 'Không có cảnh báo', nothing: 'Không có bản tin nào đang phát',
    noNext: 'Chưa có lịch phát', offlineFor: 'Mất kết nối {detail}', silent: 'Không phát được ({detail})', speakers: 'Trạng thái cụm loa',
    nodes: '{n} cụm loa', origin_api: 'Phát ngay', origin_schedule: 'Theo lịch', origin_emergency: 'Khẩn cấp'
  },
  en: {
    title: 'Dashboard', online: 'Online', offline: 'Offline', playingCount: 'Playing', total: 'Speakers in all',
    now: 'Playing now', next: 'Next broadcasts', alerts: 'Needs attention', noAlerts: 'No alerts', nothing: 'Nothing is playing',
    noNext: 'No broadcast scheduled', offlineFor: 'Offline for {detail}', silent: 'Did not play ({detail})', speakers: 'Speaker status',
    nodes: '{n} speakers', origin_api: 'Play now', origin_schedule: 'Scheduled', origin_emergency: 'Emergency'
  }
}

export async function render (root, ctx) {
  const { h, t, api } = ctx
  const [d, nodes] = await Promise.all([api('GET', '/dashboard'), api('GET', '/nodes')])
  const state = new Map(nodes.items.map(n => [n.id, n]))
  const count = (key, value, kind) => h('div', { class: `stat ${kind}`, dataset: { stat: key } }, h('strong', {}, String(value)), h('span', {}, t(key)))
  const stats = h('div', { class: 'stats' })
  const drawStats = () => {
    const all = [...state.values()]
    ctx.clear(stats).append(
      count('online', all.filter(n => n.online).length, 'ok'),
      count('offline', all.filter(n => !n.online).length, all.some(n => !n.online) ? 'bad' : ''),
      count('playingCount', all.filter(n => n.online && n.playing !== null).length, ''),
      count('total', all.length, ''))
  }
  const badge = n => h('span', { class: `badge ${n.online ? 'ok' : 'bad'}` }, n.online ? (n.playing !== null ? t('playingCount') : t('online')) : t('offline'))
  const list = h('ul', { class: 'rows', id: 'node-status' })
  const drawNodes = () => ctx.clear(list).append(...[...state.values()].sort((a, b) => a.name.localeCompare(b.name, 'vi')).map(n =>
    h('li', { dataset: { node: n.id, online: String(n.online) } }, h('span', {}, n.name), badge(n))))
  drawStats()
  drawNodes()
  ctx.on('node', e => {
    const n = state.get(e.id)
    if (n === undefined) return
    Object.assign(n, { online: e.online, playing: e.playing })
    drawStats()
    drawNodes()
  })
  ctx.on('broadcast', () => { /* the lists below refresh on the next visit; counts follow the nodes */ })

  root.append(
    h('h1', {}, t('title')),
    stats,
    h('section', { class: 'card' }, h('h2', {}, t('alerts')),
      d.alerts.length === 0 ? h('p', { class: 'muted' }, t('noAlerts'))
        : h('ul', { class: 'rows alerts' }, d.alerts.map(a => h('li', { class: 'bad' }, h('span', {}, a.name), h('span', {}, a.kind === 'offline' ? t('offlineFor', { detail: a.detail }) : t('silent', { detail: a.detail })))))),
    h('div', { class: 'two' },
      h('section', { class: 'card' }, h('h2', {}, t('now')),
        d.playing.length === 0 ? h('p', { class: 'muted' }, t('nothing'))
          : h('ul', { class: 'rows' }, d.playing.map(b => h('li', {}, h('span', {}, b.name), h('span', { class: 'muted' }, `${t('origin_' + b.origin)} · ${b.zones.join(', ')} · ${t('nodes', { n: b.nodes })}`))))),
      h('section', { class: 'card' }, h('h2', {}, t('next')),
        d.upcoming.length === 0 ? h('p', { class: 'muted' }, t('noNext'))
          : h('ul', { class: 'rows' }, d.upcoming.map(u => h('li', {}, h('span', {}, u.name), h('span', { class: 'muted' }, `${u.local} · ${u.zones.join(', ')}`)))))),
    h('section', { class: 'card' }, h('h2', {}, t('speakers')), list))
}
