import fs from 'node:fs/promises'
import { createWriteStream } from 'node:fs'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { Readable } from 'node:stream'
import { AudioError, loadFrames, prepareMedia, type AudioSettings, type MediaFrame } from '../../audio/index.js'
import { ERRORS, apiError, type ErrorCode } from '../errors.js'
import type { MediaRecord } from '../store/schema.js'

/**
 * Where media lives on disk: `media/{id}.opus` inside the data folder, with uploads first streamed to
 * `tmp/`. Only files that passed the probe and the encode are ever moved into `media/`.
 */
export class MediaLibrary {
  readonly mediaDir: string
  readonly tmpDir: string
  private readonly frameCache = new Map<string, { frames: MediaFrame[], channels: number }>()
  /**
   * Encodes run one at a time: each is a full decode of up to an hour of audio, and on two cores several at
   * once would compete with the real-time frame pacing of the broadcasts on air.
   */
  private encodeQueue: Promise<unknown> = Promise.resolve()

  private async oneAtATime<T> (job: () => Promise<T>): Promise<T> {
    const run = this.encodeQueue.then(job, job)
    this.encodeQueue = run.catch(() => undefined)
    return await run
  }

  constructor (dataDir: string, readonly settings: AudioSettings) {
    this.mediaDir = path.join(dataDir, 'media')
    this.tmpDir = path.join(dataDir, 'tmp')
  }

  async init (): Promise<void> {
    await fs.mkdir(this.mediaDir, { recursive: true })
    // Leftovers of uploads cut short by a crash are never needed again.
    await fs.rm(this.tmpDir, { recursive: true, force: true })
    await fs.mkdir(this.tmpDir, { recursive: true })
  }

  filePath (m: Pick<MediaRecord, 'file'>): string {
    return path.join(this.mediaDir, m.file)
  }

  /**
   * Streams an upload to a temp file, probes, normalises and encodes it. Resolves with the record to store,
   * or throws an ApiError; in every case the temp file is gone afterwards.
   */
  async ingest (id: string, filename: string, stream: Readable & { truncated?: boolean }): Promise<MediaRecord> {
    const tmp = path.join(this.tmpDir, `${id}.upload`)
    try {
      await pipeline(stream, createWriteStream(tmp))
      if (stream.truncated === true) {
        throw apiError('AUDIO_TOO_LARGE', { detail: `the limit is ${Math.round(this.settings.maxBytes / 1024 / 1024)} MB` })
      }
      return await this.ingestFile(id, tmp, { name: path.parse(filename).name.slice(0, 200) || id, filename })
    } finally {
      await fs.rm(tmp, { force: true })
    }
  }

  /**
   * A sound file already on disk (text-to-speech output) through the same probe, normalise and encode as an
   * upload, in the same one-at-a-time queue. The input stays the caller's to delete; the encoded file is
   * removed again if anything fails, so only a record that is returned has a file in `media/`.
   */
  async ingestFile (id: string, file: string, meta: { name: string, filename: string }): Promise<MediaRecord> {
    const out = path.join(this.mediaDir, `${id}.opus`)
    try {
      const { size } = await fs.stat(file)
      const result = await this.oneAtATime(async () => await prepareMedia(file, out, this.settings))
      return {
        id,
        name: meta.name,
        file: path.basename(out),
        durationMs: result.durationMs,
        sizeBytes: result.sizeBytes,
        codec: 'opus',
        bitrateKbps: this.settings.bitrateKbps,
        loudnessLufs: this.settings.loudnessLufs,
        source: { filename: meta.filename.slice(0, 255), sizeBytes: size, ...result.source },
        createdAt: new Date().toISOString()
      }
    } catch (err) {
      await fs.rm(out, { force: true })
      if (err instanceof AudioError) {
        const code: ErrorCode = Object.hasOwn(ERRORS, err.code) ? err.code as ErrorCode : 'AUDIO_ENCODE_FAILED'
        throw apiError(code, { detail: err.message })
      }
      throw err
    }
  }

  async remove (m: MediaRecord): Promise<void> {
    this.frameCache.delete(m.id)
    await fs.rm(this.filePath(m), { force: true })
  }

  /** The media cut into stream frames; cached, since a bulletin is often played many times a day. */
  async frames (m: MediaRecord, frameMs: number): Promise<{ frames: MediaFrame[], channels: number }> {
    const hit = this.frameCache.get(m.id)
    if (hit !== undefined) return hit
    const loaded = await loadFrames(this.filePath(m), frameMs)
    const entry = { frames: loaded.frames, channels: loaded.channels }
    if (this.frameCache.size > 20) this.frameCache.clear()
    this.frameCache.set(m.id, entry)
    return entry
  }
}
