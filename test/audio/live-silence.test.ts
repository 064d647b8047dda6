import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { OpusDecoder } from 'opus-decoder'
import { opusSilencePacket, packetSamples, parseOggOpus, type OpusPacket } from '../../audio/index.js'
import { ffmpeg, tempDir } from '../helpers/audio-fixtures.js'
import { rms } from '../helpers/signal.js'

async function decoder (channels: 1 | 2): Promise<OpusDecoder> {
  const d = new OpusDecoder({ channels, preSkip: 0 })
  await d.ready
  return d
}

function peak (channels: Float32Array[]): number {
  let max = 0
  for (const c of channels) for (const x of c) max = Math.max(max, Math.abs(x))
  return max
}

describe('opusSilencePacket', () => {
  it.each([[1, [0xf8, 0xff, 0xfe]], [2, [0xfc, 0xff, 0xfe]]] as const)('is CELT silence for %i channel(s)', (channels, bytes) => {
    const packet = opusSilencePacket(channels)
    expect([...packet]).toEqual(bytes)
    expect(packetSamples(packet)).toBe(960)
  })

  it('gives a new array each time', () => {
    const a = opusSilencePacket(1)
    a[0] = 0
    expect(opusSilencePacket(1)[0]).toBe(0xf8)
  })

  it.each([1, 2] as const)('decodes to 20 ms of digital silence a packet (%i channel(s))', async (channels) => {
    const d = await decoder(channels)
    try {
      const out = d.decodeFrames(Array.from({ length: 10 }, () => opusSilencePacket(channels)))
      expect(out.errors).toEqual([])
      expect(out.samplesDecoded).toBe(9600)
      expect(out.channelData).toHaveLength(channels)
      expect(peak(out.channelData)).toBeLessThan(1e-6)
    } finally {
      d.free()
    }
  })

  describe('after speech in the same decoder', () => {
    let speech: OpusPacket[] = []
    let remove: () => Promise<void> = async () => {}

    beforeAll(async () => {
      const t = await tempDir()
      remove = t.remove
      const path = join(t.dir, 'speech.opus')
      // A voiced, syllable-rate modulated tone: in voip mode libopus codes it with SILK, as it would a voice,
      // so the silence packets also exercise the decoder's switch from SILK to CELT.
      const voice = '(0.6+0.4*sin(2*PI*4*t))*(sin(2*PI*140*t)+0.5*sin(2*PI*280*t)+0.3*sin(2*PI*700*t)+0.1*sin(2*PI*2400*t))/4'
      await ffmpeg(['-f', 'lavfi', '-i', `aevalsrc=${voice}:s=48000:d=0.6`, '-c:a', 'libopus', '-application', 'voip',
        '-b:a', '12k', '-frame_duration', '20', '-f', 'ogg', path])
      speech = parseOggOpus(new Uint8Array(await readFile(path))).packets
    })
    afterAll(async () => { await remove() })

    it('leaves no stale audio beyond the first packet', async () => {
      expect(new Set(speech.map((p) => (p.data[0] ?? 0) >> 3)).has(9)).toBe(true) // SILK WB 20 ms
      const d = await decoder(1)
      try {
        const loud = d.decodeFrames(speech.slice(0, 25).map((p) => p.data))
        expect(rms(loud.channelData[0] ?? new Float32Array())).toBeGreaterThan(0.05)
        const first = d.decodeFrame(opusSilencePacket(1)).channelData[0] ?? new Float32Array()
        const rest = d.decodeFrames(Array.from({ length: 5 }, () => opusSilencePacket(1)))
        // The first packet fades the old sound out in its first ~6 ms (overlap and mode-switch cross-fade).
        expect(peak([first.subarray(480)])).toBeLessThan(1e-6)
        expect(peak(rest.channelData)).toBeLessThan(1e-6)
      } finally {
        d.free()
      }
    })
  })
})
