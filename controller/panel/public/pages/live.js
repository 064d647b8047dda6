import { ONAIR_STRINGS, mss, quietBox, reasonText, stateBadge, zoneChecks } from '../lib/onair.js'

export const strings = {
  vi: {
    ...ONAIR_STRINGS.vi,
    title: 'Phát trực tiếp', intro: 'Nói vào micro của máy này; loa ở các khu vực đã chọn phát ngay giọng nói (chậm khoảng 1 giây). Phát trực tiếp được ưu tiên hơn các bản tin thường.',
    start: 'Bắt đầu phát', stop: 'Kết thúc', level: 'Mức âm thanh micro', elapsed: 'Thời gian phát',
    idle: 'Sẵn sàng', preparing: 'Đang mở micro…', connecting: 'Đang kết nối tới máy chủ…', onAir: 'ĐANG PHÁT TRỰC TIẾP',
    ending: 'Đang kết thúc…', ended: 'Lý do kết thúc: {reason}', endedPlain: 'Đã kết thúc', errorPlain: 'Không phát được',
    delivered: '{done}/{all} cụm loa đã phát hết',
    lost: 'Mất kết nối tới máy chủ.', noAnswer: 'Máy chủ không xác nhận việc kết thúc.',
    insecure: 'Trình duyệt chỉ cho dùng micro qua kết nối an toàn (https) hoặc trên chính máy chủ. Hãy mở bảng điều khiển bằng địa chỉ https.',
    micDenied: 'Chưa được phép dùng micro: hãy cho phép trình duyệt dùng micro rồi thử lại.', micMissing: 'Không tìm thấy micro trên máy này.',
    micBusy: 'Micro đang bị chương trình khác dùng.', leaveWarning: 'Đang phát trực tiếp: rời trang sẽ kết thúc buổi phát.',
    notAllowed: 'Vai trò của bạn không được dùng chức năng này.', broadcastId: 'Mã bản tin: {id}', seeBroadcasts: 'Xem trong Bản tin'
  },
  en: {
    ...ONAIR_STRINGS.en,
    title: 'Live', intro: 'Speak into this device\'s microphone; the speakers of the chosen zones play your voice at once (about 1 s late). A live voice takes priority over normal broadcasts.',
    start: 'Start', stop: 'End', level: 'Microphone level', elapsed: 'On air for',
    idle: 'Ready', preparing: 'Opening the microphone…', connecting: 'Connecting to the controller…', onAir: 'ON AIR',
    ending: 'Ending…', ended: 'Why it ended: {reason}', endedPlain: 'Ended', errorPlain: 'Could not go on air',
    delivered: '{done}/{all} speakers played it through',
    lost: 'The connection to the controller was lost.', noAnswer: 'The controller did not confirm the end.',
    insecure: 'Browsers allow the microphone only over a secure connection (https) or on the controller itself. Open the panel by its https address.',
    micDenied: 'The microphone is not allowed: let the browser use it and try again.', micMissing: 'No microphone found on this device.',
    micBusy: 'Another program is using the microphone.', leaveWarning: 'You are on air: leaving ends the broadcast.',
    notAllowed: 'Your role may not use this.', broadcastId: 'Broadcast {id}', seeBroadcasts: 'See it in Broadcasts'
  }
}

const MIC = { audio: { echoCancellation: true, noiseSuppression: true, channelCount: 1 } }

export async function render (root, ctx) {
  const { h, t } = ctx
  if (!ctx.can('broadcast.start')) { root.append(h('h1', {}, t('title')), h('p', { class: 'muted' }, t('notAllowed'))); return }
  const { items: zones } = await ctx.api('GET', '/zones')
  const picks = zoneChecks(ctx, zones, { name: 'live-zones' })
  const status = h('p', { class: 'live-state', role: 'status', dataset: { state: 'idle' } }, t('idle'))
  const fill = h('div', { class: 'level-fill' })
  const meter = h('div', { class: 'level-meter', role: 'meter', 'aria-label': t('level'), 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': 0, dataset: { level: '0' } }, fill)
  const elapsed = h('span', { class: 'live-elapsed', 'aria-label': t('elapsed') }, '0:00')
  const result = h('div', { class: 'live-result', hidden: true })
  const quiet = h('div', { class: 'quiet-box', role: 'alert', hidden: true })
  const startBtn = h('button', { type: 'button', class: 'primary', dataset: { action: 'start' } }, t('start'))
  const stopBtn = h('button', { type: 'button', class: 'danger', dataset: { action: 'stop' }, disabled: true }, t('stop'))
  const wrap = h('section', { class: 'card live-card' },
    h('p', { class: 'muted' }, t('intro')), picks.el, quiet,
    h('div', { class: 'row live-buttons' }, startBtn, stopBtn),
    status,
    h('div', { class: 'live-meters' }, h('span', { class: 'muted' }, t('level')), meter, elapsed),
    result)
  let s = null

  const setState = (state, text) => {
    status.dataset.state = state
    status.textContent = text
    const busy = !['idle', 'ended', 'error'].includes(state)
    startBtn.disabled = busy
    stopBtn.disabled = !['connecting', 'on-air'].includes(state)
    picks.el.disabled = busy
  }
  const showLevel = rms => {
    const pct = rms <= 0 ? 0 : Math.max(0, Math.min(100, (20 * Math.log10(rms) + 60) / 60 * 100))
    fill.style.width = `${pct.toFixed(0)}%`
    meter.dataset.level = rms.toFixed(3)
    meter.setAttribute('aria-valuenow', pct.toFixed(0))
  }
  const releaseMic = sess => {
    for (const track of sess.stream?.getTracks() ?? []) track.stop()
    sess.node?.port.postMessage('stop')
    sess.node?.disconnect()
    if (sess.ac !== undefined && sess.ac.state !== 'closed') void sess.ac.close().catch(() => undefined)
    sess.stream = undefined
    showLevel(0)
  }
  const onLeave = e => { e.preventDefault(); e.returnValue = t('leaveWarning') }
  /** Ends a session: `detail` says why (an error message, or the end reason), `b` is the final broadcast record. */
  const finish = (sess, state, detail, b) => {
    if (sess.done) return
    sess.done = true
    releaseMic(sess)
    clearInterval(sess.tick)
    clearTimeout(sess.stopTimer)
    window.removeEventListener('beforeunload', onLeave)
    if (sess.ws !== undefined && sess.ws.readyState <= 1) sess.ws.close()
    if (s !== sess) return
    setState(state, t(state === 'error' ? 'errorPlain' : 'endedPlain'))
    const id = b?.id ?? sess.broadcastId
    const done = b?.delivery?.filter(d => d.status === 'completed').length
    ctx.clear(result).append(...[
      detail === '' ? null : h('p', { class: state === 'error' ? 'error-box end-reason' : 'end-reason' }, detail),
      b?.state === undefined ? null : h('p', { class: 'live-outcome' }, stateBadge(ctx, b.state), ' ', t('delivered', { done, all: b.delivery.length })),
      id === undefined ? null : h('p', { class: 'muted' }, t('broadcastId', { id }), ' · ', h('a', { href: '#/broadcasts' }, t('seeBroadcasts')))].filter(Boolean))
    result.hidden = false
  }

  async function start (reason) {
    const chosen = picks.selected()
    quietBox(ctx, quiet, null)
    result.hidden = true
    if (chosen.length === 0) { ctx.toast(t('pickZone'), 'error'); return }
    const sess = { done: false, onAir: false }
    s = sess
    if (!window.isSecureContext || navigator.mediaDevices?.getUserMedia === undefined || typeof AudioWorkletNode === 'undefined') {
      finish(sess, 'error', t('insecure')); return
    }
    setState('preparing', t('preparing'))
    try {
      sess.stream = await navigator.mediaDevices.getUserMedia(MIC)
      const { ac, src } = await openContext(sess.stream)
      sess.ac = ac
      await ac.audioWorklet.addModule('/panel/lib/pcm-worklet.js')
      sess.node = new AudioWorkletNode(ac, 'pcm-capture', {
        numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1], channelCount: 1, channelCountMode: 'explicit',
        channelInterpretation: 'speakers', processorOptions: { chunkMs: 20 }
      })
      // Pulled through a muted gain to the output: the graph runs, nothing is heard back.
      const mute = ac.createGain()
      mute.gain.value = 0
      src.connect(sess.node).connect(mute).connect(ac.destination)
      if (ac.state === 'suspended') await ac.resume()
    } catch (err) {
      finish(sess, 'error', micMessage(t, err)); return
    }
    if (sess.done) return
    sess.node.port.onmessage = e => {
      if (!wrap.isConnected) { leave(sess); return }
      showLevel(e.data.rms)
      if (sess.onAir && sess.ws?.readyState === WebSocket.OPEN) sess.ws.send(e.data.pcm)
    }
    setState('connecting', t('connecting'))
    window.addEventListener('beforeunload', onLeave)
    const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/live`)
    sess.ws = ws
    ws.binaryType = 'arraybuffer'
    ws.onopen = () => {
      ws.send(JSON.stringify({ type: 'start', format: 'pcm', zones: chosen, ...(reason === undefined ? {} : { quietOverride: { reason } }) }))
    }
    ws.onmessage = e => {
      if (typeof e.data !== 'string') return
      let m
      try { m = JSON.parse(e.data) } catch { return }
      if (m.type === 'started') {
        sess.broadcastId = m.broadcast?.id
        if (sess.done || sess.stopping) return
        sess.onAir = true
        sess.startedAt = Date.now()
        sess.tick = setInterval(() => { elapsed.textContent = mss(Date.now() - sess.startedAt) }, 250)
        elapsed.textContent = '0:00'
        setState('on-air', t('onAir'))
      } else if (m.type === 'ended') {
        const why = reasonText(ctx, m.reason)
        finish(sess, 'ended', why === '' ? '' : t('ended', { reason: why }), m.broadcast)
      } else if (m.type === 'error') {
        const message = (ctx.lang() === 'vi' ? m.messageVi : m.message) ?? m.message ?? m.code
        finish(sess, 'error', m.code === 'QUIET_HOURS' ? '' : message)
        if (m.code === 'QUIET_HOURS') quietBox(ctx, quiet, { code: 'QUIET_HOURS' }, async r => { await start(r) })
      }
    }
    ws.onclose = () => { finish(sess, sess.stopping ? 'ended' : 'error', sess.stopping ? '' : t('lost')) }
  }

  function stop () {
    const sess = s
    if (sess === null || sess.done) return
    sess.onAir = false
    sess.stopping = true
    clearInterval(sess.tick)
    releaseMic(sess)
    setState('ending', t('ending'))
    if (sess.ws?.readyState === WebSocket.OPEN) sess.ws.send(JSON.stringify({ type: 'stop' }))
    sess.stopTimer = setTimeout(() => finish(sess, 'ended', t('noAnswer')), 15_000)
  }

  /** The page was left (another page, or a language switch re-rendered it): end the broadcast. */
  function leave (sess) {
    if (sess.ws?.readyState === WebSocket.OPEN) sess.ws.send(JSON.stringify({ type: 'stop' }))
    sess.stopping = true
    finish(sess, 'ended', '')
  }

  startBtn.addEventListener('click', () => { void start() })
  stopBtn.addEventListener('click', stop)
  root.append(h('h1', {}, t('title')), wrap)
}

/** A 48 kHz context if the browser can join the microphone to one; otherwise its own rate (the worklet resamples). */
async function openContext (stream) {
  let ac
  try { ac = new AudioContext({ sampleRate: 48000, latencyHint: 'interactive' }) } catch { ac = new AudioContext({ latencyHint: 'interactive' }) }
  try {
    return { ac, src: ac.createMediaStreamSource(stream) }
  } catch {
    await ac.close()
    ac = new AudioContext({ latencyHint: 'interactive' })
    return { ac, src: ac.createMediaStreamSource(stream) }
  }
}

function micMessage (t, err) {
  if (err?.name === 'NotAllowedError' || err?.name === 'SecurityError') return t('micDenied')
  if (err?.name === 'NotFoundError' || err?.name === 'OverconstrainedError') return t('micMissing')
  if (err?.name === 'NotReadableError') return t('micBusy')
  return err?.message ?? String(err)
}
