import { SAMPLE_RATE } from '../protocol/index.js'
import { writeFileAtomic } from './atomic.js'

const HEADER_BYTES = 44

/** 16-bit PCM mono WAV (RIFF/WAVE, `fmt ` chunk of 16 bytes, one `data` chunk): what every player opens. */
export function encodeWav (samples: Float32Array, sampleRate: number = SAMPLE_RATE): Buffer {
  const dataBytes = samples.length * 2
  const buf = Buffer.alloc(HEADER_BYTES + dataBytes)
  buf.write('RIFF', 0, 'ascii')
  buf.writeUInt32LE(36 + dataBytes, 4)
  buf.write('WAVE', 8, 'ascii')
  buf.write('fmt ', 12, 'ascii')
  buf.writeUInt32LE(16, 16)
  buf.writeUInt16LE(1, 20) // PCM
  buf.writeUInt16LE(1, 22) // mono
  buf.writeUInt32LE(sampleRate, 24)
  buf.writeUInt32LE(sampleRate * 2, 28) // byte rate
  buf.writeUInt16LE(2, 32) // block align
  buf.writeUInt16LE(16, 34) // bits per sample
  buf.write('data', 36, 'ascii')
  buf.writeUInt32LE(dataBytes, 40)
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i] ?? 0))
    buf.writeInt16LE(Math.round(s < 0 ? s * 0x8000 : s * 0x7fff), HEADER_BYTES + i * 2)
  }
  return buf
}

/** Atomic: temp file + rename. */
export async function writeWavFile (path: string, samples: Float32Array): Promise<void> {
  await writeFileAtomic(path, encodeWav(samples))
}
