/**
 * What the broadcasts, live and emergency pages share: zone checkboxes, the quiet-hours override, and the
 * words for broadcast states, origins, node deliveries and end reasons. Pages spread ONAIR_STRINGS into
 * their own strings, so ctx.t finds these keys.
 */
export const ONAIR_STRINGS = {
  vi: {
    zonesLegend: 'Khu vực phát', allZones: 'Tất cả', noZonesYet: 'Chưa có khu vực nào: quản trị viên cần tạo khu vực trước.',
    pickZone: 'Hãy chọn ít nhất một khu vực.',
    state_waiting: 'Đang chờ', state_starting: 'Đang bắt đầu', state_playing: 'Đang phát', state_completed: 'Hoàn tất',
    state_stopped: 'Đã dừng', state_failed: 'Không phát được',
    origin_api: 'Phát ngay', origin_schedule: 'Theo lịch', origin_emergency: 'Khẩn cấp',
    del_offline: 'Mất kết nối', del_waiting: 'Đang chờ', del_playing: 'Đang phát', del_completed: 'Hoàn tất',
    del_preempted: 'Bị ngắt', del_skipped: 'Bỏ qua', del_stopped: 'Đã dừng', del_refused: 'Loa từ chối',
    del_no_report: 'Không báo cáo', del_missed: 'Bị lỡ',
    quietTitle: 'Đang trong giờ yên tĩnh ({start}–{end}): chỉ cảnh báo khẩn cấp được phát tự do.',
    quietHint: 'Nếu vẫn cần phát, hãy ghi lý do (ít nhất 3 ký tự); lý do được lưu vào nhật ký.',
    quietReason: 'Lý do vẫn phát trong giờ yên tĩnh', quietSend: 'Vẫn phát, ghi lại lý do', quietShort: 'Lý do cần ít nhất 3 ký tự.'
  },
  en: {
    zonesLegend: 'Zones', allZones: 'All', noZonesYet: 'No zones yet: an administrator must create them first.',
    pickZone: 'Choose at least one zone.',
    state_waiting: 'Waiting', state_starting: 'Starting', state_playing: 'Playing', state_completed: 'Completed',
    state_stopped: 'Stopped', state_failed: 'Failed',
    origin_api: 'Play now', origin_schedule: 'Scheduled', origin_emergency: 'Emergency',
    del_offline: 'Offline', del_waiting: 'Waiting', del_playing: 'Playing', del_completed: 'Completed',
    del_preempted: 'Pre-empted', del_skipped: 'Skipped', del_stopped: 'Stopped', del_refused: 'Refused',
    del_no_report: 'No report', del_missed: 'Missed',
    quietTitle: 'Quiet hours ({start}–{end}): only emergency warnings play freely.',
    quietHint: 'To play anyway, give a reason (at least 3 characters); it is kept in the audit log.',
    quietReason: 'Reason to play during quiet hours', quietSend: 'Play anyway, record the reason', quietShort: 'The reason needs at least 3 characters.'
  }
}

const REASONS_VI = new Map([
  ['end of media', 'Phát hết nội dung'],
  ['no target node could play it', 'Không cụm loa nào phát được'],
  ['the speaker ended the live broadcast', 'Người nói đã kết thúc'],
  ['the live audio could not be read (the encoder stopped)', 'Không đọc được âm thanh trực tiếp'],
  ['the relay played for its planned length', 'Đã tiếp sóng đủ thời lượng'],
  ['all nodes left', 'Không còn cụm loa nào nghe'],
  ['controller shutting down', 'Máy chủ đang tắt'],
  ['the controller is shutting down', 'Máy chủ đang tắt'],
  ['could not start', 'Không bắt đầu được'],
  ['the source ended', 'Nguồn phát đã kết thúc'],
  ['pre-empted by a more urgent broadcast', 'Bị ngắt bởi bản tin khẩn hơn'],
  ['end', 'Phát hết'],
  ['not connected at the start', 'Không kết nối lúc bắt đầu'],
  ['went offline while waiting', 'Mất kết nối khi đang chờ'],
  ['node deleted', 'Cụm loa đã bị xoá'],
  ['quiet hours began while it waited', 'Đến giờ yên tĩnh khi đang chờ'],
  ['the live audio ended before the node was free', 'Phát trực tiếp kết thúc trước khi loa rảnh'],
  ['the live audio ended while a more urgent broadcast played', 'Phát trực tiếp kết thúc khi loa đang phát bản tin khẩn hơn']
])

/** An end reason (the controller writes them in English) in the panel's language, when it is a known one. */
export function reasonText (ctx, reason) {
  if (reason === null || reason === undefined || reason === '') return ''
  if (ctx.lang() !== 'vi') return reason
  const by = /^stopped by (.+)$/.exec(reason)
  if (by !== null) return `Dừng bởi ${by[1]}`
  return REASONS_VI.get(reason) ?? reason
}

const STATE_KIND = { playing: 'ok', completed: 'ok', failed: 'bad', waiting: 'warn', starting: 'warn', stopped: '' }
export const ON_AIR = new Set(['waiting', 'starting', 'playing'])

export function stateBadge (ctx, state) {
  return ctx.h('span', { class: `badge ${STATE_KIND[state] ?? ''}`, dataset: { state } }, ctx.t('state_' + state))
}

/**
 * Zone checkboxes in a fieldset. With `all`, a first "Tất cả" box (checked) stands for every zone: the others
 * are then ticked and disabled. selected() gives the chosen ids, or null for "all".
 */
export function zoneChecks (ctx, zones, { all = false, name = 'zones' } = {}) {
  const { h, t } = ctx
  const sorted = [...zones].sort((a, b) => a.name.localeCompare(b.name, 'vi'))
  const boxes = sorted.map(z => h('input', { type: 'checkbox', name, value: z.id, dataset: { zone: z.id } }))
  const allBox = all ? h('input', { type: 'checkbox', name: name + '-all', checked: true, dataset: { zone: 'all' } }) : null
  const sync = () => { if (allBox !== null) for (const b of boxes) { b.disabled = allBox.checked; if (allBox.checked) b.checked = true } }
  allBox?.addEventListener('change', sync)
  sync()
  const el = h('fieldset', { class: 'zone-checks' }, h('legend', {}, t('zonesLegend')),
    zones.length === 0 ? h('p', { class: 'muted' }, t('noZonesYet'))
      : h('div', { class: 'checks' },
        allBox === null ? null : h('label', { class: 'all' }, allBox, t('allZones')),
        sorted.map((z, i) => h('label', {}, boxes[i], z.name))))
  return {
    el,
    selected: () => allBox?.checked === true ? null : boxes.filter(b => b.checked).map(b => b.value)
  }
}

/**
 * Shows the quiet-hours refusal inside `host` with a reason field; `resend(reason)` tries again with
 * quietOverride. Any other error is not handled (returns false).
 */
export function quietBox (ctx, host, err, resend) {
  const { h, t } = ctx
  ctx.clear(host)
  if (err?.code !== 'QUIET_HOURS') { host.hidden = true; return false }
  const s = ctx.me?.settings ?? {}
  const reason = h('input', { name: 'quietReason', minlength: 3, maxlength: 500, autocomplete: 'off' })
  const problem = h('p', { class: 'error-box', hidden: true })
  const send = h('button', { type: 'button', class: 'danger' }, t('quietSend'))
  send.addEventListener('click', async () => {
    const text = reason.value.trim()
    if (text.length < 3) { problem.textContent = t('quietShort'); problem.hidden = false; reason.focus(); return }
    send.disabled = true
    try { await resend(text) } finally { send.disabled = false }
  })
  host.append(h('p', { class: 'error-box' }, t('quietTitle', { start: s.quietStart ?? '', end: s.quietEnd ?? '' })),
    h('p', { class: 'muted' }, t('quietHint')),
    h('label', {}, t('quietReason'), reason), problem, send)
  host.hidden = false
  reason.focus()
  return true
}

/** 83000 ms → "1:23". */
export function mss (ms) {
  const s = Math.max(0, Math.round(ms / 1000))
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}
