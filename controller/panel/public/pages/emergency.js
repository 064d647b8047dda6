import { ONAIR_STRINGS, mss, zoneChecks } from '../lib/onair.js'

export const strings = {
  vi: {
    ...ONAIR_STRINGS.vi,
    title: 'Khẩn cấp',
    intro: 'Cảnh báo khẩn cấp được phát ngay lập tức: ngắt mọi bản tin đang phát, có chuông báo trước, ở âm lượng khẩn cấp, kể cả trong giờ yên tĩnh. Mọi lần phát đều được ghi vào nhật ký.',
    content: 'Nội dung cảnh báo', recorded: 'Bản ghi sẵn', spoken: 'Đọc văn bản',
    media: 'Bản ghi cảnh báo', mediaNote: 'Không cần chờ duyệt: mọi bản ghi trong thư viện của địa bàn đều dùng được cho cảnh báo khẩn cấp.',
    noMedia: 'Thư viện chưa có bản ghi nào; hãy nhập văn bản để đọc.', pendingTag: ' (chưa duyệt)', rejectedTag: ' (bị từ chối)',
    text: 'Nội dung cần đọc', repeat: 'Số lần phát', repeatHint: 'Để trống: theo cài đặt của hệ thống.',
    button: 'PHÁT CẢNH BÁO KHẨN CẤP', sending: 'Đang phát cảnh báo…',
    confirmAll: 'Phát cảnh báo khẩn cấp tới TẤT CẢ khu vực ngay bây giờ? Mọi bản tin đang phát sẽ bị ngắt.',
    confirmSome: 'Phát cảnh báo khẩn cấp tới {n} khu vực ngay bây giờ? Mọi bản tin đang phát sẽ bị ngắt.',
    needText: 'Hãy nhập nội dung cần đọc.', needMedia: 'Hãy chọn một bản ghi cảnh báo.',
    done: 'Đã phát cảnh báo khẩn cấp', resultTitle: 'Cảnh báo đang được phát', broadcastId: 'Mã bản tin: {id}',
    nodes: 'Số cụm loa: {n}', duration: 'Thời lượng: {d}', notRecorded: 'Chưa ghi được vào tệp dữ liệu của máy chủ: cảnh báo vẫn được phát, và có trong nhật ký máy chủ. Hãy báo cho quản trị viên.',
    notAllowed: 'Vai trò của bạn không được dùng chức năng này.', warnings: 'Lưu ý', seeBroadcasts: 'Theo dõi trong Bản tin'
  },
  en: {
    ...ONAIR_STRINGS.en,
    title: 'Emergency',
    intro: 'An emergency warning plays at once: it cuts whatever is playing, with the chime first, at the emergency volume, even in quiet hours. Every use is audited.',
    content: 'Warning content', recorded: 'Recorded warning', spoken: 'Text to read out',
    media: 'Recorded warning', mediaNote: 'No approval needed: any item in your area\'s library can be used for an emergency.',
    noMedia: 'The library is empty; type a text to read out.', pendingTag: ' (not approved)', rejectedTag: ' (rejected)',
    text: 'Text to read out', repeat: 'Times to play', repeatHint: 'Empty: the system setting.',
    button: 'SEND EMERGENCY WARNING', sending: 'Sending the warning…',
    confirmAll: 'Send an emergency warning to ALL zones now? Everything playing will be cut.',
    confirmSome: 'Send an emergency warning to {n} zones now? Everything playing will be cut.',
    needText: 'Type the text to read out.', needMedia: 'Choose a recorded warning.',
    done: 'Emergency warning sent', resultTitle: 'The warning is playing', broadcastId: 'Broadcast {id}',
    nodes: 'Speakers: {n}', duration: 'Duration: {d}', notRecorded: 'The controller could not write its data file: the warning plays anyway and is in the controller log. Tell an administrator.',
    notAllowed: 'Your role may not use this.', warnings: 'Warnings', seeBroadcasts: 'Follow it in Broadcasts'
  }
}

const WARNINGS_VI = new Map([
  ['the emergency chime is not available; the warning plays without it', 'Không có chuông báo khẩn cấp; cảnh báo được phát không có chuông.'],
  ['the spoken warning could not be saved to the media library', 'Không lưu được bản đọc cảnh báo vào thư viện.'],
  ['the data file could not be written: this emergency is not recorded there (it is in the log)', 'Không ghi được tệp dữ liệu: lần phát khẩn cấp này chỉ có trong nhật ký máy chủ.']
])

export async function render (root, ctx) {
  const { h, t, api } = ctx
  if (!ctx.can('emergency.start')) { root.append(h('h1', {}, t('title')), h('p', { class: 'muted' }, t('notAllowed'))); return }
  const [{ items: media }, { items: zones }] = await Promise.all([api('GET', '/media'), api('GET', '/zones')])
  media.sort((a, b) => a.name.localeCompare(b.name, 'vi'))
  const tag = m => m.approval?.state === 'pending' ? t('pendingTag') : m.approval?.state === 'rejected' ? t('rejectedTag') : ''
  const useMedia = h('input', { type: 'radio', name: 'kind', value: 'media', checked: media.length > 0, disabled: media.length === 0 })
  const useText = h('input', { type: 'radio', name: 'kind', value: 'text', checked: media.length === 0 })
  const select = h('select', { name: 'mediaId' }, media.map(m => h('option', { value: m.id }, `${m.name} (${mss(m.durationMs)})${tag(m)}`)))
  const text = h('textarea', { name: 'text', rows: 4 })
  const mediaPart = h('div', { class: 'emergency-media' },
    media.length === 0 ? h('p', { class: 'muted' }, t('noMedia')) : h('label', {}, t('media'), select),
    h('p', { class: 'muted form-hint' }, t('mediaNote')))
  const textPart = h('div', { class: 'emergency-text' }, h('label', {}, t('text'), text))
  const sync = () => { mediaPart.hidden = !useMedia.checked; textPart.hidden = !useText.checked }
  useMedia.addEventListener('change', sync)
  useText.addEventListener('change', sync)
  sync()
  const picks = zoneChecks(ctx, zones, { all: true, name: 'emergency-zones' })
  const repeat = h('input', { type: 'number', name: 'repeat', min: 1, max: 10, inputmode: 'numeric', placeholder: '—' })
  const problem = h('p', { class: 'error-box', role: 'alert', hidden: true })
  const button = h('button', { type: 'submit', class: 'emergency-button' }, t('button'))
  const result = h('section', { class: 'card emergency-result', role: 'status', hidden: true })
  const form = h('form', { class: 'card emergency-form', dataset: { form: 'emergency' } },
    h('p', {}, t('intro')),
    h('fieldset', { class: 'emergency-kind' }, h('legend', {}, t('content')),
      h('div', { class: 'checks' }, h('label', {}, useMedia, t('recorded')), h('label', {}, useText, t('spoken')))),
    mediaPart, textPart, picks.el,
    h('label', {}, t('repeat'), repeat), h('p', { class: 'muted form-hint' }, t('repeatHint')),
    problem, button)

  const say = msg => { problem.textContent = msg; problem.hidden = false }
  form.addEventListener('submit', async e => {
    e.preventDefault()
    problem.hidden = true
    const body = {}
    if (useMedia.checked) {
      if (select.value === '') { say(t('needMedia')); return }
      body.mediaId = select.value
    } else {
      if (text.value.trim() === '') { say(t('needText')); text.focus(); return }
      body.text = text.value
    }
    const chosen = picks.selected()
    if (chosen !== null) {
      if (chosen.length === 0) { say(t('pickZone')); return }
      body.zones = chosen
    }
    if (repeat.value !== '') body.repeat = Number(repeat.value)
    if (!confirm(chosen === null ? t('confirmAll') : t('confirmSome', { n: chosen.length }))) return
    button.disabled = true
    button.textContent = t('sending')
    try {
      const answer = await api('POST', '/emergency', body)
      show(answer)
      ctx.toast(t('done'), 'ok')
    } catch (err) {
      if (err.status === 401) ctx.fail(err)
      say(err.message)
    } finally {
      button.disabled = false
      button.textContent = t('button')
    }
  })

  function show ({ broadcast: b, recorded, warnings }) {
    ctx.clear(result).append(...[
      h('h2', {}, t('resultTitle')),
      h('p', { class: 'emergency-id', dataset: { broadcast: b.id } }, t('broadcastId', { id: b.id })),
      h('p', { class: 'emergency-nodes' }, t('nodes', { n: b.delivery.length })),
      h('p', {}, t('duration', { d: mss(b.durationMs) })),
      recorded ? null : h('p', { class: 'error-box not-recorded', dataset: { recorded: 'false' } }, t('notRecorded')),
      warnings.length === 0 ? null : h('div', { class: 'emergency-warnings' }, h('h3', {}, t('warnings')),
        h('ul', {}, warnings.map(w => h('li', { class: 'warn-text' }, ctx.lang() === 'vi' ? WARNINGS_VI.get(w) ?? w : w)))),
      h('p', {}, h('a', { href: '#/broadcasts' }, t('seeBroadcasts')))].filter(Boolean))
    result.dataset.recorded = String(recorded)
    result.dataset.broadcast = b.id
    result.hidden = false
    result.scrollIntoView({ block: 'nearest' })
  }

  root.append(h('h1', {}, t('title')), form, result)
}
