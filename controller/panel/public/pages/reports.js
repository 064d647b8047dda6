export const strings = {
  vi: {
    title: 'Báo cáo', month: 'Tháng', csv: 'Tải CSV', broadcasts: 'Bản tin', requested: 'Thời lượng cần phát', delivered: 'Thời lượng đã phát',
    pct: 'Tỉ lệ phát', missed: 'Lỡ lịch', chart: 'Thời lượng theo khu vực', byZone: 'Theo khu vực', byNode: 'Theo cụm loa',
    bySchedule: 'Theo lịch phát', zone: 'Khu vực', node: 'Cụm loa', schedule: 'Lịch phát', req: 'Cần phát', del: 'Đã phát',
    completed: 'Phát trọn', preempted: 'Bị ngắt', skipped: 'Bỏ qua', offline: 'Mất kết nối', fires: 'Số lần phát',
    empty: 'Không có bản tin nào trong tháng này.', unknownZone: 'Không rõ khu vực', skippedLines: '{n} dòng lịch sử bị hỏng nên không được tính.',
    legend: 'Phát trọn: phát hết bài. Bị ngắt: bản tin ưu tiên hơn chen vào. Bỏ qua: loa bận quá lâu. Mất kết nối: loa không nhận được. Lỡ lịch: bộ điều khiển không chạy đúng giờ.',
    h: '{n} giờ', m: '{n} phút', s: '{n} giây', chartLabel: 'Biểu đồ thời lượng cần phát và đã phát theo khu vực'
  },
  en: {
    title: 'Reports', month: 'Month', csv: 'Download CSV', broadcasts: 'Broadcasts', requested: 'Airtime requested', delivered: 'Airtime delivered',
    pct: 'Delivered', missed: 'Missed', chart: 'Airtime by zone', byZone: 'By zone', byNode: 'By speaker', bySchedule: 'By schedule',
    zone: 'Zone', node: 'Speaker', schedule: 'Schedule', req: 'Requested', del: 'Delivered',
    completed: 'Completed', preempted: 'Pre-empted', skipped: 'Skipped', offline: 'Offline', fires: 'Fires',
    empty: 'No broadcasts this month.', unknownZone: 'Unknown zone', skippedLines: '{n} damaged history lines were left out.',
    legend: 'Completed: played to the end. Pre-empted: a more urgent broadcast cut in. Skipped: the speaker was busy too long. Offline: the speaker did not receive it. Missed: the controller was not running at the time.',
    h: '{n} h', m: '{n} min', s: '{n} s', chartLabel: 'Chart of airtime requested and delivered per zone'
  }
}

const pad = n => String(n).padStart(2, '0')

function thisMonth (timeZone) {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).format(new Date()).slice(0, 7)
  } catch {
    const d = new Date()
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}`
  }
}

/** "2026-11" → { from: '2026-11-01', to: '2026-11-30' }. */
export function monthRange (month) {
  const [y, m] = month.split('-').map(Number)
  return { from: `${month}-01`, to: `${month}-${pad(new Date(Date.UTC(y, m, 0)).getUTCDate())}` }
}

export async function render (root, ctx) {
  const { h, t, clear } = ctx
  const asked = ctx.params.get('month')
  const initial = /^\d{4}-\d{2}$/.test(asked ?? '') ? asked : thisMonth(ctx.settings.timeZone ?? 'Asia/Ho_Chi_Minh')
  const duration = sec => {
    const s = Math.round(sec)
    if (s < 60) return t('s', { n: s })
    const hh = Math.floor(s / 3600)
    const mm = Math.floor((s % 3600) / 60)
    return hh > 0 ? `${t('h', { n: hh })} ${t('m', { n: mm })}` : `${t('m', { n: mm })}${s % 60 > 0 ? ' ' + t('s', { n: s % 60 }) : ''}`
  }
  const pct = p => p === null ? '—' : `${Number(p).toLocaleString(ctx.lang() === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 1 })} %`
  const pctClass = p => p === null ? '' : p < 70 ? 'bad-text' : p < 90 ? 'warn-text' : ''

  const monthInput = h('input', { type: 'month', name: 'month', value: initial, required: true })
  const csv = h('a', { class: 'button-link', id: 'report-csv', download: true }, t('csv'))
  const body = h('div', { id: 'report' })

  function chart (zones) {
    const { svg } = ctx
    // Drawn at the card's width in pixels, so the text stays 14 px on a phone and on a desktop alike.
    const W = Math.max(260, Math.min(720, body.clientWidth - 30))
    const row = 50
    const top = 30
    const max = Math.max(1, ...zones.map(z => Math.max(z.requestedS, z.deliveredS)))
    const H = top + zones.length * row
    const bar = (v, y, cls) => svg('rect', { x: 0, y, width: Math.max(v > 0 ? 2 : 0, (v / max) * W), height: 11, rx: 2, class: cls })
    return svg('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, class: 'chart', role: 'img', 'aria-label': t('chartLabel') },
      svg('title', {}, t('chartLabel')),
      svg('rect', { x: 0, y: 4, width: 12, height: 12, class: 'bar-req' }),
      svg('text', { x: 18, y: 15, class: 'chart-legend' }, t('req')),
      svg('rect', { x: 110, y: 4, width: 12, height: 12, class: 'bar-del' }),
      svg('text', { x: 128, y: 15, class: 'chart-legend' }, t('del')),
      zones.map((z, i) => {
        const y = top + i * row
        const room = Math.floor((W - 70) / 8)
        const name = z.name.length > room ? z.name.slice(0, room - 1) + '…' : z.name
        return svg('g', { 'data-zone': z.zoneId ?? '' },
          svg('text', { x: 0, y: y + 11, class: 'chart-name' }, name),
          svg('text', { x: W, y: y + 11, 'text-anchor': 'end', class: 'chart-value' }, pct(z.deliveredPct)),
          bar(z.requestedS, y + 16, 'bar-req'),
          bar(z.deliveredS, y + 29, 'bar-del'),
          svg('title', {}, `${z.name}: ${t('req')} ${duration(z.requestedS)}, ${t('del')} ${duration(z.deliveredS)}`))
      }))
  }

  const num = v => h('td', { class: 'num' }, String(v))
  const table = (heads, rows, textCols = 1) => h('div', { class: 'table-wrap' }, h('table', { class: 'report-table' },
    h('thead', {}, h('tr', {}, heads.map((x, i) => h('th', { class: i < textCols ? undefined : 'num', scope: 'col' }, x)))),
    h('tbody', {}, rows)))
  const counts = r => [num(r.completed), num(r.preempted), num(r.skipped), num(r.offline), num(r.missed)]
  const airtime = r => [h('td', { class: 'num' }, duration(r.requestedS)), h('td', { class: 'num' }, duration(r.deliveredS)), h('td', { class: `num ${pctClass(r.deliveredPct)}` }, pct(r.deliveredPct))]
  const tail = [t('req'), t('del'), '%', t('completed'), t('preempted'), t('skipped'), t('offline'), t('missed')]

  async function load () {
    const month = monthInput.value
    if (!/^\d{4}-\d{2}$/.test(month)) return
    const { from, to } = monthRange(month)
    const query = `/reports?from=${from}&to=${to}`
    csv.href = `/api/v1${query}&format=csv`
    clear(body).append(h('p', { class: 'muted' }, t('loading')))
    let r
    try {
      r = await ctx.api('GET', query)
    } catch (err) { clear(body); ctx.fail(err); return }
    const stat = (key, value, kind = '') => h('div', { class: `stat ${kind}`, dataset: { stat: key } }, h('strong', {}, value), h('span', {}, t(key)))
    const zoneName = z => z.zoneId === null ? t('unknownZone') : z.name
    clear(body).append(...[
      h('div', { class: 'stats stats-5' },
        stat('broadcasts', String(r.totals.broadcasts)),
        stat('requested', duration(r.totals.requestedS)),
        stat('delivered', duration(r.totals.deliveredS), 'ok'),
        stat('pct', pct(r.totals.deliveredPct), r.totals.deliveredPct !== null && r.totals.deliveredPct < 90 ? 'bad' : ''),
        stat('missed', String(r.totals.missed), r.totals.missed > 0 ? 'bad' : '')),
      r.skippedLines > 0 ? h('p', { class: 'warn-text' }, t('skippedLines', { n: r.skippedLines })) : null,
      r.zones.length === 0 && r.nodes.length === 0
        ? h('section', { class: 'card' }, h('p', { class: 'muted', id: 'report-empty' }, t('empty')))
        : [
            h('section', { class: 'card' }, h('h2', {}, t('chart')), chart(r.zones.map(z => ({ ...z, name: zoneName(z) })))),
            h('section', { class: 'card' }, h('h2', {}, t('byZone')),
              table([t('zone'), t('broadcasts'), ...tail], r.zones.map(z => h('tr', { dataset: { zone: z.zoneId ?? '' } },
                h('th', { scope: 'row' }, zoneName(z)), num(z.broadcasts), ...airtime(z), ...counts(z))))),
            h('section', { class: 'card' }, h('h2', {}, t('byNode')),
              table([t('node'), t('zone'), ...tail], r.nodes.map(n => h('tr', { dataset: { node: n.nodeId } },
                h('th', { scope: 'row' }, n.name), h('td', { class: 'text' }, n.zoneId === null ? t('unknownZone') : n.zoneName), ...airtime(n), ...counts(n))), 2)),
            r.schedules.length === 0 ? null : h('section', { class: 'card' }, h('h2', {}, t('bySchedule')),
              table([t('schedule'), t('fires'), t('missed')], r.schedules.map(s => h('tr', { dataset: { schedule: s.scheduleId } },
                h('th', { scope: 'row' }, s.name), num(s.fires), num(s.missed))))),
            h('p', { class: 'muted small-print' }, t('legend'))
          ]
    ].flat().filter(Boolean))
  }

  monthInput.addEventListener('change', () => { void load() })
  root.append(
    h('h1', {}, t('title')),
    h('div', { class: 'card report-controls' }, h('label', {}, t('month'), monthInput), csv),
    body)
  await load()
}
