import { mss } from '../lib/onair.js'

export const strings = {
  vi: {
    title: 'Thư viện', tabAll: 'Tất cả', pending: 'Chờ duyệt', approved: 'Đã duyệt', rejected: 'Bị từ chối',
    uploadTitle: 'Tải lên tệp âm thanh', file: 'Tệp âm thanh', upload: 'Tải lên', uploading: 'Đang tải lên… {pct}%',
    processing: 'Đang xử lý âm thanh…', noFile: 'Hãy chọn một tệp âm thanh.',
    uploadHint: 'MP3, WAV, OGG, M4A…; âm lượng được chuẩn hoá tự động.',
    ttsTitle: 'Đọc văn bản thành tiếng', ttsText: 'Nội dung cần đọc', ttsName: 'Tên bản tin (không bắt buộc)',
    ttsSubmit: 'Tạo bản đọc', ttsBusy: 'Đang tạo bản đọc…',
    uploaded: 'Đã tải lên "{name}"', created: 'Đã tạo bản đọc "{name}"', waitsApproval: ', đang chờ duyệt',
    empty: 'Chưa có tệp nào.', emptyFilter: 'Không có tệp nào ở mục này.', by: 'Người tạo: {name}',
    approve: 'Duyệt', reject: 'Từ chối', rejectWhy: 'Lý do từ chối "{name}":', rejectNeedReason: 'Hãy ghi lý do từ chối.',
    approvedToast: 'Đã duyệt "{name}"', rejectedToast: 'Đã từ chối "{name}"', deleted: 'Đã xoá "{name}"',
    note: 'Ghi chú: {note}', decidedBy: '{state} bởi {by}', ttsLabel: 'Văn bản đọc', listTitle: 'Danh sách',
    filters: 'Lọc theo trạng thái duyệt', preview: 'Nghe thử "{name}"'
  },
  en: {
    title: 'Media library', tabAll: 'All', pending: 'Pending', approved: 'Approved', rejected: 'Rejected',
    uploadTitle: 'Upload an audio file', file: 'Audio file', upload: 'Upload', uploading: 'Uploading… {pct}%',
    processing: 'Processing the audio…', noFile: 'Choose an audio file.',
    uploadHint: 'MP3, WAV, OGG, M4A…; loudness is normalised automatically.',
    ttsTitle: 'Text to speech', ttsText: 'Text to read out', ttsName: 'Name (optional)',
    ttsSubmit: 'Create reading', ttsBusy: 'Creating the reading…',
    uploaded: 'Uploaded "{name}"', created: 'Created the reading "{name}"', waitsApproval: ', waiting for approval',
    empty: 'No media yet.', emptyFilter: 'Nothing here.', by: 'By {name}',
    approve: 'Approve', reject: 'Reject', rejectWhy: 'Why is "{name}" rejected?', rejectNeedReason: 'Give a reason for the rejection.',
    approvedToast: 'Approved "{name}"', rejectedToast: 'Rejected "{name}"', deleted: 'Deleted "{name}"',
    note: 'Note: {note}', decidedBy: '{state} by {by}', ttsLabel: 'Text read out', listTitle: 'Items',
    filters: 'Filter by approval', preview: 'Listen to "{name}"'
  }
}

const FILTERS = ['all', 'pending', 'approved', 'rejected']
const KIND = { pending: 'warn', approved: 'ok', rejected: 'bad' }
const stateOf = m => m.approval?.state ?? 'approved'

export async function render (root, ctx) {
  const { h, t, api } = ctx
  let filter = FILTERS.includes(ctx.params.get('approval')) ? ctx.params.get('approval') : 'all'
  let fresh = null
  const list = h('ul', { class: 'rows media-list', id: 'media-list', 'aria-live': 'polite' })
  const tabs = h('div', { class: 'media-tabs', role: 'group', 'aria-label': t('filters') })
  const label = f => t(f === 'all' ? 'tabAll' : f)

  const drawTabs = () => ctx.clear(tabs).append(...FILTERS.map(f =>
    h('button', { type: 'button', class: f === filter ? 'media-tab active' : 'media-tab', 'aria-pressed': String(f === filter), dataset: { filter: f }, onclick: () => { filter = f; void load() } }, label(f))))

  async function load () {
    drawTabs()
    history.replaceState(null, '', filter === 'all' ? '#/media' : `#/media?approval=${filter}`)
    const { items } = await api('GET', filter === 'all' ? '/media' : `/media?approval=${filter}`).catch(err => { ctx.fail(err); return { items: [] } })
    items.sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    ctx.clear(list).append(...items.map(item))
    if (items.length === 0) list.append(h('li', { class: 'muted' }, t(filter === 'all' ? 'empty' : 'emptyFilter')))
    const el = fresh === null ? null : list.querySelector(`[data-media="${CSS.escape(fresh)}"]`)
    if (el !== null) { el.classList.add('fresh'); el.scrollIntoView({ block: 'nearest' }) }
    fresh = null
  }

  const act = async (f, okKey, m) => {
    try { await f(); ctx.toast(t(okKey, { name: m.name }), 'ok'); await load() } catch (err) { ctx.fail(err) }
  }

  function item (m) {
    const state = stateOf(m)
    const a = m.approval
    const buttons = []
    if (ctx.can('media.approve') && state === 'pending') {
      buttons.push(h('button', { type: 'button', class: 'primary', dataset: { action: 'approve' }, onclick: () => act(() => api('POST', `/media/${m.id}/approve`, {}), 'approvedToast', m) }, t('approve')))
      buttons.push(h('button', { type: 'button', dataset: { action: 'reject' }, onclick: () => {
        const note = prompt(t('rejectWhy', { name: m.name }))
        if (note === null) return
        if (note.trim() === '') { ctx.toast(t('rejectNeedReason'), 'error'); return }
        void act(() => api('POST', `/media/${m.id}/reject`, { note: note.trim() }), 'rejectedToast', m)
      } }, t('reject')))
    }
    if (ctx.can('media.write')) {
      buttons.push(h('button', { type: 'button', class: 'danger', dataset: { action: 'delete' }, onclick: () => {
        if (confirm(t('confirmDelete', { name: m.name }))) void act(() => api('DELETE', `/media/${m.id}`), 'deleted', m)
      } }, t('delete')))
    }
    return h('li', { class: 'media-item', dataset: { media: m.id, approval: state } },
      h('div', { class: 'media-head' },
        h('strong', { class: 'media-name' }, m.name),
        h('span', { class: `badge ${KIND[state]}` }, t(state))),
      h('div', { class: 'muted media-meta' },
        h('span', { class: 'duration' }, mss(m.durationMs)),
        m.createdBy === undefined ? null : h('span', {}, t('by', { name: m.createdBy })),
        h('span', {}, ctx.when(m.createdAt)),
        a !== undefined && a.by !== null && (state !== 'approved' || a.by !== m.createdBy) ? h('span', { class: 'decided' }, t('decidedBy', { state: t(state), by: a.by })) : null),
      a?.note === undefined ? null : h('p', { class: state === 'rejected' ? 'error-box media-note' : 'media-note' }, t('note', { note: a.note })),
      m.tts === undefined ? null : h('blockquote', { class: 'tts-text', 'aria-label': t('ttsLabel') }, m.tts.text),
      h('div', { class: 'media-play' },
        h('audio', { controls: true, preload: 'none', src: `/api/v1/media/${encodeURIComponent(m.id)}/audio`, 'aria-label': t('preview', { name: m.name }) }),
        buttons.length === 0 ? null : h('div', { class: 'row media-actions' }, buttons)))
  }

  const added = async (m, key) => {
    fresh = m.id
    filter = 'all'
    ctx.toast(t(key, { name: m.name }) + (stateOf(m) === 'pending' ? t('waitsApproval') : ''), 'ok')
    await load()
  }

  root.append(h('h1', {}, t('title')))
  if (ctx.can('media.write')) root.append(h('div', { class: 'two' }, uploadForm(ctx, added), ttsForm(ctx, added)))
  root.append(h('section', { class: 'card' }, h('h2', {}, t('listTitle')), tabs, list))
  await load()
}

function uploadForm (ctx, added) {
  const { h, t } = ctx
  const input = h('input', { type: 'file', name: 'file', accept: 'audio/*,.wav,.mp3,.ogg,.opus,.m4a,.aac,.flac,.wma,.amr' })
  const bar = h('progress', { max: 100, value: 0 })
  const pct = h('span', { class: 'pct' })
  const progress = h('div', { class: 'upload-progress', hidden: true }, bar, pct)
  const problem = h('p', { class: 'error-box', role: 'alert', hidden: true })
  const button = h('button', { type: 'submit', class: 'primary' }, t('upload'))
  const form = h('form', { class: 'card', dataset: { form: 'upload' } },
    h('h2', {}, t('uploadTitle')),
    h('label', {}, t('file'), input),
    h('p', { class: 'muted form-hint' }, t('uploadHint')),
    progress, problem, button)
  form.addEventListener('submit', async e => {
    e.preventDefault()
    problem.hidden = true
    const file = input.files?.[0]
    if (file === undefined) { problem.textContent = t('noFile'); problem.hidden = false; return }
    const data = new FormData()
    data.append('file', file, file.name)
    button.disabled = true
    progress.hidden = false
    const show = f => {
      const p = Math.round(f * 100)
      bar.value = p
      pct.textContent = p >= 100 ? t('processing') : t('uploading', { pct: p })
    }
    show(0)
    try {
      const m = await ctx.upload('/media', data, show)
      form.reset()
      await added(m, 'uploaded')
    } catch (err) {
      if (err.status === 401) ctx.fail(err)
      problem.textContent = err.message
      problem.hidden = false
    } finally {
      button.disabled = false
      progress.hidden = true
    }
  })
  return form
}

function ttsForm (ctx, added) {
  const { h, t } = ctx
  const text = h('textarea', { name: 'text', rows: 5 })
  const name = h('input', { name: 'name', maxlength: 200, autocomplete: 'off' })
  const problem = h('p', { class: 'error-box', role: 'alert', hidden: true })
  const button = h('button', { type: 'submit', class: 'primary' }, t('ttsSubmit'))
  const form = h('form', { class: 'card', dataset: { form: 'tts' } },
    h('h2', {}, t('ttsTitle')),
    h('label', {}, t('ttsText'), text),
    h('label', {}, t('ttsName'), name),
    problem, button)
  form.addEventListener('submit', async e => {
    e.preventDefault()
    problem.hidden = true
    const body = { text: text.value }
    if (name.value.trim() !== '') body.name = name.value.trim()
    button.disabled = true
    form.setAttribute('aria-busy', 'true')
    button.textContent = t('ttsBusy')
    try {
      const m = await ctx.api('POST', '/media/tts', body)
      form.reset()
      await added(m, 'created')
    } catch (err) {
      if (err.status === 401) ctx.fail(err)
      problem.textContent = err.message
      problem.hidden = false
    } finally {
      button.disabled = false
      form.removeAttribute('aria-busy')
      button.textContent = t('ttsSubmit')
    }
  })
  return form
}
