import { readFile } from 'node:fs/promises'
import { SAMPLE_RATE } from '../protocol/index.js'
import { cutFrames, type MediaFrame } from './frames.js'
import type { Loudness } from './loudness.js'
import { parseOggOpus } from './opus-stream.js'
import { probeAudio } from './probe.js'
import type { AudioSettings } from './settings.js'
import { transcodeToOpus } from './transcode.js'

export interface PreparedMedia {
  /** Playable length of the encoded file. */
  durationMs: number
  sizeBytes: number
  /** What was uploaded, for the panel and the records. */
  source: { codec: string; sampleRate: number; channels: number; durationMs: number }
  /** The source's loudness, measured on its mono downmix before normalisation. */
  loudness: Loudness
}

/** Upload to broadcast-ready file: probe (refusing what is not usable audio), then normalise and encode. */
export async function prepareMedia (inputPath: string, outPath: string, settings: AudioSettings): Promise<PreparedMedia> {
  const probe = await probeAudio(inputPath, settings)
  const out = await transcodeToOpus(inputPath, outPath, settings, probe)
  return {
    durationMs: out.durationMs,
    sizeBytes: out.sizeBytes,
    source: { codec: probe.codec, sampleRate: probe.sampleRate, channels: probe.channels, durationMs: probe.durationMs },
    loudness: probe.loudness
  }
}

export interface LoadedFrames {
  frames: MediaFrame[]
  channels: number
  /** Playable length, rounded to the millisecond; totalSamples is exact. */
  durationMs: number
  totalSamples: number
}

/** Reads an encoded file and cuts it into MQTT-sized frames (see cutFrames). */
export async function loadFrames (opusPath: string, frameMs: number): Promise<LoadedFrames> {
  const stream = parseOggOpus(await readFile(opusPath))
  return {
    frames: cutFrames(stream, frameMs),
    channels: stream.head.channels,
    durationMs: Math.round(stream.totalSamples * 1000 / SAMPLE_RATE),
    totalSamples: stream.totalSamples
  }
}
