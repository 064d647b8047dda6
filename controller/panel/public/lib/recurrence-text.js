/**
 * A schedule's recurrence in words a clerk reads at a glance, never raw cron:
 *   { kind: 'weekly', days: [1,2,3,4,5,6], times: ['05:00','17:00'] } → "Thứ 2 – Thứ 7, 05:00 và 17:00"
 *   { kind: 'weekly', days: [1..7], times: ['06:30'] }                 → "Hằng ngày, 06:30"
 *   { kind: 'once', at: '2026-11-30T05:00' }                           → "Một lần: 30/11/2026 05:00"
 *   { kind: 'cron', expr }                                             → "Lịch nâng cao"
 * Pure (no DOM, no clock): the panel and tests import it alike.
 */

const WORDS = {
  vi: {
    days: ['Thứ 2', 'Thứ 3', 'Thứ 4', 'Thứ 5', 'Thứ 6', 'Thứ 7', 'Chủ nhật'],
    everyDay: 'Hằng ngày', and: 'và', once: 'Một lần', cron: 'Lịch nâng cao', none: 'Chưa chọn ngày giờ'
  },
  en: {
    days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
    everyDay: 'Every day', and: 'and', once: 'Once', cron: 'Advanced schedule', none: 'No days or times chosen'
  }
}

function words (lang) { return WORDS[lang === 'en' ? 'en' : 'vi'] }

/** ISO weekdays (1 = Monday … 7 = Sunday) as words; runs of 3 or more consecutive days become "Thứ 2 – Thứ 7". */
export function describeDays (days, lang = 'vi') {
  const w = words(lang)
  const sorted = [...new Set(days.map(Number))].filter(d => d >= 1 && d <= 7).sort((a, b) => a - b)
  if (sorted.length === 7) return w.everyDay
  const runs = []
  for (const d of sorted) {
    const last = runs[runs.length - 1]
    if (last !== undefined && d === last[1] + 1) last[1] = d
    else runs.push([d, d])
  }
  const parts = []
  for (const [a, b] of runs) {
    if (b - a >= 2) parts.push(`${w.days[a - 1]} – ${w.days[b - 1]}`)
    else for (let d = a; d <= b; d++) parts.push(w.days[d - 1])
  }
  return parts.join(', ')
}

/** "05:00", "05:00 và 17:00", "05:00, 11:00 và 17:00" (times sorted). */
export function describeTimes (times, lang = 'vi') {
  const sorted = [...new Set(times)].sort()
  if (sorted.length <= 1) return sorted.join('')
  return `${sorted.slice(0, -1).join(', ')} ${words(lang).and} ${sorted[sorted.length - 1]}`
}

/** "2026-11-30T05:00[:ss]" → "30/11/2026 05:00". */
export function localDateTime (at) {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})/.exec(String(at))
  return m === null ? String(at) : `${m[3]}/${m[2]}/${m[1]} ${m[4]}:${m[5]}`
}

export function describeRecurrence (recurrence, lang = 'vi') {
  const w = words(lang)
  if (recurrence === null || recurrence === undefined) return w.none
  switch (recurrence.kind) {
    case 'weekly': {
      const days = recurrence.days ?? []
      const times = recurrence.times ?? []
      if (days.length === 0 || times.length === 0) return w.none
      return `${describeDays(days, lang)}, ${describeTimes(times, lang)}`
    }
    case 'once': return `${w.once}: ${localDateTime(recurrence.at)}`
    case 'cron': return w.cron
    default: return w.none
  }
}
