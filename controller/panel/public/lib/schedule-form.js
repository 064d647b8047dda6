/**
 * The schedules page's create/edit form. As the clerk edits, the recurrence is put in words, and once the
 * form is complete a preview (POST /schedules/preview, debounced) shows the next fire times, a quiet-hours
 * violation (with a field for the reason to override it) and the conflicts with other schedules.
 */
import { describeRecurrence } from './recurrence-text.js'
import { localWithDay } from './schedule-week.js'

const LEVELS = ['normal', 'priority', 'emergency']
const mmss = ms => { const s = Math.round(ms / 1000); return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}` }

/**
 * @param ctx the page's ctx
 * @param o { schedule (null: a new one), zones, media (approved), onSaved(), onCancel() }
 */
export function scheduleForm (ctx, { schedule, zones, media, onSaved, onCancel }) {
  const { h, t, clear } = ctx
  const dayNames = t('days').split(',')
  const spec = schedule?.spec
  const weekly = spec?.recurrence.kind === 'weekly' ? spec.recurrence : null
  const mediaById = new Map(media.map(m => [m.id, m]))
  let playlist = [...(spec?.playlist ?? [])]
  let seq = 0
  let timer

  const name = h('input', { name: 'name', required: true, maxlength: 100, value: spec?.name ?? '', autocomplete: 'off' })
  const adder = h('select', { name: 'playlistAdd', id: 'playlist-add' })
  const playlistEl = h('ol', { class: 'playlist', id: 'playlist' })
  const zoneBoxes = zones.map(z => h('input', { type: 'checkbox', name: 'zone', value: z.id, checked: spec?.targets.zones.includes(z.id) }))
  const dayBoxes = dayNames.map((_, i) => h('input', { type: 'checkbox', name: 'day', value: String(i + 1), checked: weekly?.days.includes(i + 1) }))
  const timesEl = h('div', { class: 'times', id: 'times' })
  const level = h('select', { name: 'level' }, LEVELS.map(l => h('option', { value: l }, t(`level_${l}`))))
  level.value = spec?.level ?? 'normal'
  const chime = h('input', { type: 'checkbox', name: 'chime', checked: spec?.chime === true })
  const summary = h('p', { class: 'summary', id: 'recurrence-summary', 'aria-live': 'polite' })
  const previewTimes = h('ol', { id: 'preview-times', class: 'preview-times' })
  const quietWarning = h('p', { id: 'quiet-warning', class: 'error-box quiet-warning', role: 'alert', hidden: true })
  const reason = h('input', { name: 'reason', minlength: 3, maxlength: 500, value: spec?.quietOverride?.reason ?? '' })
  const reasonLabel = h('label', { id: 'quiet-reason', hidden: true }, t('quietReason'), reason)
  const conflicts = h('ul', { id: 'preview-conflicts', class: 'rows conflicts' })
  const previewNote = h('p', { class: 'muted', id: 'preview-note' })
  const formError = h('p', { class: 'error-box', id: 'form-error', role: 'alert', hidden: true })

  const drawAdder = () => {
    clear(adder).append(h('option', { value: '' }, t('playlistPick')),
      ...media.filter(m => !playlist.includes(m.id)).map(m => h('option', { value: m.id }, `${m.name} (${mmss(m.durationMs)})`)))
    adder.value = ''
  }
  const drawPlaylist = () => {
    clear(playlistEl).append(...playlist.map((id, i) => {
      const m = mediaById.get(id)
      return h('li', { dataset: { media: id } },
        h('span', {}, m === undefined ? `${id} (${t('notApproved')})` : `${m.name} (${mmss(m.durationMs)})`),
        h('span', { class: 'row' },
          i > 0 ? h('button', { type: 'button', class: 'small', 'aria-label': t('moveUp'), onclick: () => { playlist.splice(i - 1, 0, ...playlist.splice(i, 1)); changed() } }, '↑') : null,
          h('button', { type: 'button', class: 'small', 'aria-label': t('removeItem', { name: m?.name ?? id }), onclick: () => { playlist.splice(i, 1); changed() } }, '×')))
    }))
    if (playlist.length === 0) playlistEl.append(h('li', { class: 'muted' }, t('playlistEmpty')))
    drawAdder()
  }
  const addTime = value => {
    const n = timesEl.children.length + 1
    const input = h('input', { type: 'time', name: 'time', value: value ?? '', required: n === 1 })
    const row = h('div', { class: 'time-row' }, h('label', {}, n === 1 ? t('times') : t('timeN', { n }), input))
    if (n > 1) row.append(h('button', { type: 'button', class: 'small', 'aria-label': t('removeTime', { n }), onclick: () => { row.remove(); renumber(); changed() } }, '×'))
    timesEl.append(row)
    return input
  }
  const renumber = () => [...timesEl.querySelectorAll('label')].forEach((l, i) => { l.firstChild.textContent = i === 0 ? t('times') : t('timeN', { n: i + 1 }) })
  for (const time of weekly?.times ?? ['']) addTime(time)

  /** The recurrence the form describes; a cron or one-off schedule keeps its own until days and times are picked. */
  const recurrence = () => {
    const days = dayBoxes.filter(b => b.checked).map(b => Number(b.value))
    const times = [...new Set([...timesEl.querySelectorAll('input')].map(i => i.value.slice(0, 5)).filter(v => /^\d{2}:\d{2}$/.test(v)))].sort()
    if (days.length > 0 && times.length > 0) return { kind: 'weekly', days, times }
    if (spec !== undefined && spec.recurrence.kind !== 'weekly' && days.length === 0 && times.length === 0) return spec.recurrence
    return null
  }
  const body = withReason => {
    const base = { ...(spec ?? {}) }
    delete base.quietOverride
    if (spec !== undefined && level.value !== spec.level) delete base.priority
    const b = {
      ...base,
      name: name.value.trim(),
      playlist,
      targets: { zones: zoneBoxes.filter(x => x.checked).map(x => x.value), nodes: spec?.targets.nodes ?? [] },
      recurrence: recurrence(),
      level: level.value,
      chime: chime.checked
    }
    if (b.playlist.length === 0 && spec?.relay === undefined) delete b.relay
    const why = reason.value.trim()
    if (withReason && !reasonLabel.hidden && why !== '') b.quietOverride = { reason: why }
    return b
  }
  const missing = b => [
    b.name === '' && 'missName', b.playlist.length === 0 && b.relay === undefined && 'missPlaylist',
    b.targets.zones.length === 0 && b.targets.nodes.length === 0 && 'missZones', b.recurrence === null && 'missWhen'
  ].filter(Boolean)

  const showPreview = r => {
    clear(previewTimes).append(...r.nextFireTimes.map(f => h('li', { dataset: { at: f.at } }, localWithDay(f.local, dayNames))))
    if (r.nextFireTimes.length === 0) previewTimes.append(h('li', { class: 'muted' }, t('noFires')))
    quietWarning.hidden = r.quiet === null
    if (r.quiet !== null) {
      quietWarning.textContent = ctx.lang() === 'vi'
        ? t('quietText', { when: localWithDay(r.quiet.local, dayNames), start: ctx.settings.quietStart ?? '', end: ctx.settings.quietEnd ?? '' })
        : r.quiet.message
      reasonLabel.hidden = false
    } else reasonLabel.hidden = true
    const zoneName = new Map(zones.map(z => [z.id, z.name]))
    // One line per other schedule (a daily overlap would otherwise fill the screen): how often, the first time, who wins.
    const byOther = new Map()
    for (const c of r.conflicts) byOther.set(c.scheduleId, [...(byOther.get(c.scheduleId) ?? []), c])
    clear(conflicts).append(...[...byOther.values()].map(([c, ...more]) => h('li', { dataset: { conflict: c.scheduleId } },
      h('span', {}, t('conflictWith', {
        name: c.scheduleName, n: more.length + 1, when: ctx.when(c.at),
        where: c.sharedZones.length > 0 ? c.sharedZones.map(z => zoneName.get(z) ?? z).join(', ') : t('nodesN', { n: c.sharedNodes.length })
      })),
      h('span', { class: `badge ${c.winner === 'candidate' ? 'ok' : 'warn'}` }, t(`winner_${c.winner}`, { name: c.scheduleName })))))
    if (r.conflicts.length === 0) conflicts.append(h('li', { class: 'muted' }, t('noConflicts')))
    previewNote.textContent = ''
  }
  const preview = async () => {
    const b = body(false)
    const mine = ++seq
    previewNote.textContent = t('previewing')
    try {
      const r = await ctx.api('POST', `/schedules/preview?count=10${schedule ? `&id=${encodeURIComponent(schedule.id)}` : ''}`, b)
      if (mine === seq) showPreview(r)
    } catch (err) {
      if (mine !== seq) return
      clear(previewTimes); clear(conflicts); quietWarning.hidden = true
      previewNote.textContent = err.message
    }
  }
  const changed = e => {
    if (e?.target === reason) return
    if (e === undefined) drawPlaylist()
    const b = body(false)
    summary.textContent = describeRecurrence(b.recurrence, ctx.lang())
    clearTimeout(timer)
    const miss = missing(b)
    if (miss.length > 0) {
      seq++
      clear(previewTimes); clear(conflicts); quietWarning.hidden = true
      previewNote.textContent = t('previewWhen', { what: miss.map(k => t(k)).join(', ') })
      return
    }
    timer = setTimeout(() => { void preview() }, 400)
  }

  const form = h('form', { class: 'card schedule-form', id: 'schedule-form', novalidate: true },
    h('h2', {}, schedule ? t('editTitle', { name: spec.name }) : t('newTitle')),
    h('label', {}, t('name'), name),
    h('div', { class: 'field' }, h('label', {}, t('playlist'), adder), playlistEl),
    h('fieldset', {}, h('legend', {}, t('zonesLabel')),
      zones.length === 0 ? h('p', { class: 'muted' }, t('noZones')) : h('div', { class: 'checks' }, zones.map((z, i) => h('label', {}, zoneBoxes[i], z.name)))),
    h('fieldset', {}, h('legend', {}, t('daysLabel')),
      h('div', { class: 'checks days' }, dayNames.map((d, i) => h('label', {}, dayBoxes[i], d))),
      h('div', { class: 'row' },
        h('button', { type: 'button', class: 'link', onclick: () => { dayBoxes.forEach((b, i) => { b.checked = i < 5 }); changed() } }, t('weekdays')),
        h('button', { type: 'button', class: 'link', onclick: () => { dayBoxes.forEach(b => { b.checked = true }); changed() } }, t('everyDay')))),
    spec !== undefined && spec.recurrence.kind !== 'weekly' ? h('p', { class: 'muted' }, t('keepsRecurrence', { what: describeRecurrence(spec.recurrence, ctx.lang()) })) : null,
    timesEl,
    h('button', { type: 'button', onclick: () => { addTime().focus(); changed() } }, t('addTime')),
    h('label', {}, t('level'), level),
    h('div', { class: 'checks' }, h('label', {}, chime, t('chime'))),
    summary,
    h('section', { class: 'preview', id: 'preview', 'aria-live': 'polite' },
      h('h3', {}, t('nextTimes')), previewNote, previewTimes, quietWarning, reasonLabel,
      h('h3', {}, t('conflicts')), conflicts),
    formError,
    h('div', { class: 'row' },
      h('button', { type: 'submit', class: 'primary' }, t('save')),
      h('button', { type: 'button', onclick: () => { clearTimeout(timer); seq++; onCancel() } }, t('cancel'))))

  form.addEventListener('input', changed)
  form.addEventListener('change', e => { if (e.target === adder) { if (adder.value !== '') playlist.push(adder.value); changed() } else changed(e) })
  form.addEventListener('submit', async e => {
    e.preventDefault()
    const b = body(true)
    const miss = missing(b)
    formError.hidden = miss.length === 0
    if (miss.length > 0) { formError.textContent = t('previewWhen', { what: miss.map(k => t(k)).join(', ') }); return }
    try {
      await ctx.api(schedule ? 'PUT' : 'POST', schedule ? `/schedules/${encodeURIComponent(schedule.id)}` : '/schedules', b)
      clearTimeout(timer); seq++
      ctx.toast(t('saved'), 'ok')
      await onSaved()
    } catch (err) {
      formError.hidden = false
      formError.textContent = err.message
      if (err.code === 'QUIET_HOURS') { reasonLabel.hidden = false; reason.focus() }
      ctx.fail(err)
    }
  })
  changed()
  return form
}
