/**
 * The live page's microphone tap (an AudioWorklet): mono Float32 in, 16-bit little-endian PCM at 48 kHz out,
 * posted to the page in ~20 ms chunks with the chunk's RMS level: { pcm: ArrayBuffer, rms: number }.
 * If the AudioContext does not run at 48 kHz, the input is resampled here (linear interpolation), so what
 * the controller gets is always 48 kHz mono (its `pcm` live format).
 */
const OUT_RATE = 48000

class PcmCapture extends AudioWorkletProcessor {
  constructor (options) {
    super()
    const chunkMs = options?.processorOptions?.chunkMs ?? 20
    this.chunk = Math.round(OUT_RATE * chunkMs / 1000)
    this.out = new Float32Array(this.chunk)
    this.fill = 0
    this.step = sampleRate / OUT_RATE // input samples per output sample
    this.pos = 0 // where the next output sample lies, in input samples from the start of the current block
    this.prev = 0 // the last input sample of the previous block (position -1)
    this.running = true
    this.port.onmessage = e => { if (e.data === 'stop') this.running = false }
  }

  push (s) {
    this.out[this.fill++] = s
    if (this.fill < this.chunk) return
    const bytes = new ArrayBuffer(this.chunk * 2)
    const view = new DataView(bytes)
    let sum = 0
    for (let i = 0; i < this.chunk; i++) {
      const v = Math.max(-1, Math.min(1, this.out[i]))
      sum += v * v
      view.setInt16(i * 2, v < 0 ? Math.round(v * 0x8000) : Math.round(v * 0x7fff), true)
    }
    this.port.postMessage({ pcm: bytes, rms: Math.sqrt(sum / this.chunk) }, [bytes])
    this.fill = 0
  }

  process (inputs) {
    if (!this.running) return false
    const x = inputs[0]?.[0]
    if (x === undefined || x.length === 0) return true
    const n = x.length
    if (this.step === 1) {
      for (let i = 0; i < n; i++) this.push(x[i])
      return true
    }
    let t = this.pos
    while (t <= n - 1) {
      const i = Math.floor(t)
      const frac = t - i
      const a = i < 0 ? this.prev : x[i]
      const b = i + 1 < n ? x[i + 1] : a
      this.push(a + (b - a) * frac)
      t += this.step
    }
    this.pos = t - n
    this.prev = x[n - 1]
    return true
  }
}

registerProcessor('pcm-capture', PcmCapture)
