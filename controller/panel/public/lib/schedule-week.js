/**
 * The schedules page's week: which enabled schedule plays when, Monday to Sunday, in the controller's zone.
 * Weekly and one-off schedules are computed here from their recurrence (wall-clock times, as the clerk wrote
 * them); cron schedules are placed from the next fire times the API gave for them (`cronTimes`).
 */
import { describeRecurrence } from './recurrence-text.js'

const pad = n => String(n).padStart(2, '0')
const parse = date => { const [y, m, d] = date.split('-').map(Number); return new Date(Date.UTC(y, m - 1, d)) }
const format = d => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`

/** Today's date (YYYY-MM-DD) in a time zone. */
export function todayIn (timeZone) {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date())
  } catch {
    return format(new Date())
  }
}

export function addDays (date, n) { const d = parse(date); d.setUTCDate(d.getUTCDate() + n); return format(d) }
/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function isoWeekday (date) { return parse(date).getUTCDay() || 7 }
export function mondayOf (date) { return addDays(date, 1 - isoWeekday(date)) }
/** "2026-11-30" → "30/11". */
export function dayMonth (date) { const [, m, d] = date.split('-'); return `${d}/${m}` }

/** A local "YYYY-MM-DD HH:mm" with its weekday in front: "T2 30/11/2026 05:00". */
export function localWithDay (local, dayNames) {
  const [date, time] = String(local).split(/[T ]/)
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date ?? '')) return String(local)
  const [y, m, d] = date.split('-')
  return `${dayNames[isoWeekday(date) - 1]} ${d}/${m}/${y} ${(time ?? '').slice(0, 5)}`
}

/**
 * The fires of the week starting `monday`: seven lists (Monday first) of { time, schedule, cron }, by time.
 * `cronTimes`: schedule id → local "YYYY-MM-DD HH:mm" strings of its next fires.
 */
export function weekFires (schedules, monday, cronTimes = new Map()) {
  const days = Array.from({ length: 7 }, (_, i) => ({ date: addDays(monday, i), fires: [] }))
  for (const s of schedules) {
    const spec = s.spec
    if (spec.enabled === false) continue
    const r = spec.recurrence
    for (const [i, day] of days.entries()) {
      if (spec.validFrom !== undefined && day.date < spec.validFrom) continue
      if (spec.validTo !== undefined && day.date > spec.validTo) continue
      if (r.kind === 'weekly' && r.days.includes(i + 1)) {
        for (const time of r.times) day.fires.push({ time, schedule: s, cron: false })
      } else if (r.kind === 'once' && r.at.slice(0, 10) === day.date) {
        day.fires.push({ time: r.at.slice(11, 16), schedule: s, cron: false })
      } else if (r.kind === 'cron') {
        for (const local of cronTimes.get(s.id) ?? []) {
          if (local.slice(0, 10) === day.date) day.fires.push({ time: local.slice(11, 16), schedule: s, cron: true })
        }
      }
    }
  }
  for (const day of days) day.fires.sort((a, b) => a.time < b.time ? -1 : a.time > b.time ? 1 : a.schedule.spec.name.localeCompare(b.schedule.spec.name, 'vi'))
  return days
}

/** The week as seven columns (a stacked list per day on a phone). */
export function renderWeek (ctx, schedules, monday, cronTimes, onShift) {
  const { h, t } = ctx
  const today = todayIn(ctx.settings.timeZone ?? 'Asia/Ho_Chi_Minh')
  const days = weekFires(schedules, monday, cronTimes)
  const sunday = addDays(monday, 6)
  return h('section', { class: 'card', id: 'week', dataset: { week: monday } },
    h('div', { class: 'week-head' },
      h('h2', {}, t('weekOf', { from: dayMonth(monday), to: `${dayMonth(sunday)}/${sunday.slice(0, 4)}` })),
      h('div', { class: 'row' },
        h('button', { type: 'button', onclick: () => onShift(-7), 'aria-label': t('prevWeek') }, '‹'),
        h('button', { type: 'button', onclick: () => onShift(0) }, t('thisWeek')),
        h('button', { type: 'button', onclick: () => onShift(7), 'aria-label': t('nextWeek') }, '›'))),
    h('div', { class: 'week' }, days.map((day, i) =>
      h('section', { class: day.date === today ? 'week-day today' : 'week-day', dataset: { date: day.date } },
        h('h3', {}, h('span', {}, t(`day${i + 1}`)), h('span', { class: 'muted' }, dayMonth(day.date))),
        day.fires.length === 0
          ? h('p', { class: 'muted week-empty' }, '—')
          : h('ul', { class: 'week-fires' }, day.fires.map(f =>
            h('li', { class: `level-${f.schedule.spec.level}`, dataset: { scheduleFire: f.schedule.id }, title: describeRecurrence(f.schedule.spec.recurrence, ctx.lang()) },
              h('strong', {}, f.time), ' ', h('span', {}, f.schedule.spec.name),
              f.cron ? h('span', { class: 'badge' }, t('advanced')) : null)))))))
}
