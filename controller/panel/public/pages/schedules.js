import { describeRecurrence } from '../lib/recurrence-text.js'
import { addDays, mondayOf, renderWeek, todayIn, localWithDay } from '../lib/schedule-week.js'
import { scheduleForm } from '../lib/schedule-form.js'

export const strings = {
  vi: {
    title: 'Lịch phát', add: 'Thêm lịch', list: 'Các lịch phát', empty: 'Chưa có lịch phát nào.',
    weekOf: 'Tuần {from} – {to}', prevWeek: 'Tuần trước', nextWeek: 'Tuần sau', thisWeek: 'Tuần này',
    day1: 'Thứ 2', day2: 'Thứ 3', day3: 'Thứ 4', day4: 'Thứ 5', day5: 'Thứ 6', day6: 'Thứ 7', day7: 'Chủ nhật',
    advanced: 'Lịch nâng cao', nextCron: 'lần tới: {times}', enabled: 'Bật', off: 'Đã tắt', nodesN: '{n} cụm loa',
    turnedOn: 'Đã bật lịch "{name}"', turnedOff: 'Đã tắt lịch "{name}"', deleted: 'Đã xoá lịch "{name}"',
    level_normal: 'Thường', level_priority: 'Ưu tiên', level_emergency: 'Khẩn cấp', quietOverridden: 'Phát trong giờ yên tĩnh: {reason}',
    newTitle: 'Thêm lịch phát', editTitle: 'Sửa lịch "{name}"', name: 'Tên lịch', playlist: 'Nội dung phát',
    playlistPick: '— Chọn nội dung để thêm —', playlistEmpty: 'Chưa chọn nội dung nào', notApproved: 'chưa duyệt hoặc đã xoá',
    moveUp: 'Đưa lên trước', removeItem: 'Bỏ "{name}"', zonesLabel: 'Khu vực', noZones: 'Chưa có khu vực nào.',
    daysLabel: 'Ngày phát', weekdays: 'Thứ 2 – Thứ 6', everyDay: 'Cả tuần', times: 'Giờ phát', timeN: 'Giờ phát {n}',
    removeTime: 'Bỏ giờ thứ {n}', addTime: 'Thêm giờ', level: 'Mức độ', chime: 'Phát chuông báo trước',
    withChime: 'có chuông báo', keepsRecurrence: 'Lịch này đang lặp theo: {what}. Chọn ngày và giờ bên dưới nếu muốn đổi thành lịch hằng tuần.',
    nextTimes: 'Các lần phát tới', conflicts: 'Trùng lịch', noConflicts: 'Không trùng với lịch nào.', noFires: 'Không còn lần phát nào.',
    previewing: 'Đang kiểm tra…', previewWhen: 'Còn thiếu: {what}.', missName: 'tên lịch', missPlaylist: 'nội dung phát',
    missZones: 'khu vực', missWhen: 'ngày và giờ phát',
    quietText: 'Lịch này sẽ phát lúc {when}, trong giờ yên tĩnh ({start} – {end}). Hãy chọn giờ khác, hoặc ghi lý do bên dưới nếu vẫn cần phát.',
    quietReason: 'Lý do phát trong giờ yên tĩnh',
    conflictWith: 'Trùng với "{name}" ({where}): {n} lần trong 2 tuần tới, lần đầu {when}',
    winner_candidate: 'Lịch này được ưu tiên', winner_other: '"{name}" được ưu tiên', winner_queued: 'Cùng mức: lịch bắt đầu trước phát trước'
  },
  en: {
    title: 'Schedules', add: 'Add schedule', list: 'Schedules', empty: 'No schedules yet.',
    weekOf: 'Week {from} – {to}', prevWeek: 'Previous week', nextWeek: 'Next week', thisWeek: 'This week',
    day1: 'Mon', day2: 'Tue', day3: 'Wed', day4: 'Thu', day5: 'Fri', day6: 'Sat', day7: 'Sun',
    advanced: 'Advanced schedule', nextCron: 'next: {times}', enabled: 'On', off: 'Off', nodesN: '{n} speakers',
    turnedOn: 'Schedule "{name}" is on', turnedOff: 'Schedule "{name}" is off', deleted: 'Schedule "{name}" deleted',
    level_normal: 'Normal', level_priority: 'Priority', level_emergency: 'Emergency', quietOverridden: 'Plays in quiet hours: {reason}',
    newTitle: 'New schedule', editTitle: 'Edit "{name}"', name: 'Schedule name', playlist: 'What to play',
    playlistPick: '— Pick an item to add —', playlistEmpty: 'Nothing chosen yet', notApproved: 'not approved or deleted',
    moveUp: 'Move up', removeItem: 'Remove "{name}"', zonesLabel: 'Zones', noZones: 'No zones yet.',
    daysLabel: 'Days', weekdays: 'Mon – Fri', everyDay: 'Every day', times: 'Time', timeN: 'Time {n}',
    removeTime: 'Remove time {n}', addTime: 'Add a time', level: 'Level', chime: 'Play the chime first',
    withChime: 'with chime', keepsRecurrence: 'This schedule repeats as: {what}. Pick days and times below to make it a weekly schedule.',
    nextTimes: 'Next broadcasts', conflicts: 'Overlaps', noConflicts: 'No overlap with other schedules.', noFires: 'No more broadcasts.',
    previewing: 'Checking…', previewWhen: 'Still missing: {what}.', missName: 'a name', missPlaylist: 'what to play',
    missZones: 'zones', missWhen: 'days and times',
    quietText: 'This schedule would play at {when}, inside quiet hours ({start} – {end}).',
    quietReason: 'Reason to play in quiet hours',
    conflictWith: 'Overlaps "{name}" ({where}): {n} times in the next 2 weeks, first at {when}',
    winner_candidate: 'This one wins', winner_other: '"{name}" wins', winner_queued: 'Same level: first to start plays first'
  }
}

export async function render (root, ctx) {
  const { h, t, api, clear } = ctx
  const tz = ctx.settings.timeZone ?? 'Asia/Ho_Chi_Minh'
  const write = ctx.can('schedule.write')
  const [zones, media] = await Promise.all([api('GET', '/zones'), api('GET', '/media?approval=approved')])
  const zoneName = new Map(zones.items.map(z => [z.id, z.name]))
  const mediaName = new Map(media.items.map(m => [m.id, m.name]))
  let schedules = []
  const cronTimes = new Map()
  let monday = mondayOf(todayIn(tz))

  const formSlot = h('div', { id: 'form-slot' })
  const weekSlot = h('div', {})
  const listSlot = h('section', { class: 'card', id: 'schedule-list' })

  async function load () {
    schedules = (await api('GET', '/schedules')).items.sort((a, b) => a.spec.name.localeCompare(b.spec.name, 'vi'))
    cronTimes.clear()
    await Promise.all(schedules.filter(s => s.spec.recurrence.kind === 'cron' && s.spec.enabled).map(async s => {
      const r = await api('GET', `/schedules/${encodeURIComponent(s.id)}?count=60`).catch(() => null)
      cronTimes.set(s.id, (r?.nextFireTimes ?? []).map(f => f.local))
    }))
    drawWeek()
    drawList()
  }
  const drawWeek = () => clear(weekSlot).append(renderWeek(ctx, schedules, monday, cronTimes, days => {
    monday = days === 0 ? mondayOf(todayIn(tz)) : addDays(monday, days)
    drawWeek()
  }))

  const closeForm = () => clear(formSlot)
  function openForm (schedule) {
    clear(formSlot).append(scheduleForm(ctx, {
      schedule, zones: zones.items, media: media.items,
      onSaved: async () => { closeForm(); await load() },
      onCancel: closeForm
    }))
    formSlot.scrollIntoView({ behavior: 'smooth', block: 'start' })
    formSlot.querySelector('input[name=name]')?.focus({ preventScroll: true })
  }

  async function toggle (s, on) {
    try {
      await api('POST', `/schedules/${encodeURIComponent(s.id)}/${on ? 'enable' : 'disable'}`)
      ctx.toast(t(on ? 'turnedOn' : 'turnedOff', { name: s.spec.name }), 'ok')
    } catch (err) { ctx.fail(err) }
    await load()
  }
  async function remove (s) {
    if (!confirm(t('confirmDelete', { name: s.spec.name }))) return
    try {
      await api('DELETE', `/schedules/${encodeURIComponent(s.id)}`)
      ctx.toast(t('deleted', { name: s.spec.name }), 'ok')
      await load()
    } catch (err) { ctx.fail(err) }
  }

  function row (s) {
    const spec = s.spec
    const names = t('days').split(',')
    const cron = spec.recurrence.kind === 'cron'
      ? t('nextCron', { times: (cronTimes.get(s.id) ?? []).slice(0, 3).map(l => localWithDay(l, names)).join(', ') || '—' })
      : null
    const where = [...spec.targets.zones.map(z => zoneName.get(z) ?? z), ...(spec.targets.nodes.length > 0 ? [t('nodesN', { n: spec.targets.nodes.length })] : [])]
    const what = spec.relay !== undefined ? spec.relay.url : spec.playlist.map(m => mediaName.get(m) ?? m).join(', ')
    const toggleBox = h('input', { type: 'checkbox', checked: spec.enabled, onchange: e => { void toggle(s, e.target.checked) } })
    return h('li', { class: spec.enabled ? 'schedule' : 'schedule disabled', dataset: { schedule: s.id, enabled: String(spec.enabled) } },
      h('div', { class: 'schedule-main' },
        h('h3', {}, spec.name, ' ', h('span', { class: `badge ${spec.level === 'normal' ? '' : spec.level === 'priority' ? 'warn' : 'bad'}` }, t(`level_${spec.level}`)),
          spec.enabled ? null : h('span', { class: 'badge' }, t('off'))),
        h('p', { class: 'recurrence' }, describeRecurrence(spec.recurrence, ctx.lang()), cron !== null ? ` · ${cron}` : ''),
        h('p', { class: 'muted' }, `${where.join(', ') || '—'} · ${what || '—'}${spec.chime === true ? ' · ' + t('withChime') : ''}`),
        s.quietOverride !== null ? h('p', { class: 'warn-text' }, t('quietOverridden', { reason: s.quietOverride.reason })) : null),
      write
        ? h('div', { class: 'row schedule-actions' },
          h('label', { class: 'switch' }, toggleBox, t('enabled')),
          h('button', { type: 'button', onclick: () => openForm(s) }, t('edit')),
          h('button', { type: 'button', class: 'danger', onclick: () => { void remove(s) } }, t('delete')))
        : h('span', { class: `badge ${spec.enabled ? 'ok' : ''}` }, spec.enabled ? t('enabled') : t('off')))
  }
  function drawList () {
    clear(listSlot).append(h('h2', {}, t('list')),
      schedules.length === 0 ? h('p', { class: 'muted' }, t('empty')) : h('ul', { class: 'rows schedules' }, schedules.map(row)))
  }

  root.append(
    h('div', { class: 'page-head' }, h('h1', {}, t('title')),
      write ? h('button', { type: 'button', class: 'primary', id: 'add-schedule', onclick: () => openForm(null) }, t('add')) : null),
    formSlot, weekSlot, listSlot)
  await load()
}
