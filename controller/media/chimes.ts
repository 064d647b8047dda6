import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { loadFrames, prepareMedia, type AudioSettings, type MediaFrame } from '../../audio/index.js'

const run = promisify(execFile)

export type ChimeKind = 'announce' | 'emergency'
export interface Chime { frames: MediaFrame[], durationMs: number }

/**
 * The built-in sounds, made with ffmpeg so no binary asset ships: a gentle two-note "ding-dong" before
 * announcements, and for emergencies a distinct, insistent two-tone alternation (the pattern sirens and PA
 * evacuation signals use), so nobody mistakes a warning for the morning bulletin.
 */
const BUILT_IN: Record<ChimeKind, string> = {
  announce: 'aevalsrc=0.5*sin(2*PI*660*t)*exp(-3*t)*lt(t\\,0.6)+0.5*sin(2*PI*523*(t-0.6))*exp(-3*(t-0.6))*gte(t\\,0.6):s=48000:d=1.4',
  emergency: 'aevalsrc=0.6*sin(2*PI*(960-190*gte(mod(t\\,0.5)\\,0.25))*t):s=48000:d=2'
}
/** An ffmpeg that hangs must not hold a chime (and so a warning) for ever. */
const ENCODE_TIMEOUT_MS = 20_000

/**
 * Chimes live in memory, encoded once: an emergency must not wait for, or depend on, the disk. Each kind
 * loads on its own (the emergency one first), and a failed load is tried again at the next request.
 * A configured file (LOA_CHIME_FILE, LOA_EMERGENCY_CHIME_FILE) replaces a built-in sound.
 */
export class Chimes {
  private readonly loads = new Map<ChimeKind, Promise<Chime>>()

  constructor (private readonly settings: AudioSettings, private readonly files: Partial<Record<ChimeKind, string>>) {}

  /** Encodes both chimes, the emergency one first; resolves even if one fails (get() will say so). */
  async load (): Promise<void> {
    await this.get('emergency').catch(() => undefined)
    await this.get('announce').catch(() => undefined)
  }

  /** Resolves when no encode is running (whether it worked or not). */
  async settled (): Promise<void> {
    await Promise.all([...this.loads.values()].map(async p => await p.catch(() => undefined)))
  }

  async get (kind: ChimeKind): Promise<Chime> {
    let p = this.loads.get(kind)
    if (p === undefined) {
      p = this.encode(kind)
      this.loads.set(kind, p)
      p.catch(() => { if (this.loads.get(kind) === p) this.loads.delete(kind) })
    }
    return await p
  }

  private async encode (kind: ChimeKind): Promise<Chime> {
    // The system temp folder, not the data folder: the chimes must load even with a read-only data folder.
    const dir = await mkdtemp(path.join(tmpdir(), 'loa-chimes-'))
    try {
      let source = this.files[kind]
      if (source === undefined) {
        source = path.join(dir, `${kind}.wav`)
        await run(this.settings.ffmpegPath, ['-nostdin', '-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', BUILT_IN[kind], source], { timeout: ENCODE_TIMEOUT_MS })
      }
      const out = path.join(dir, `${kind}.opus`)
      await prepareMedia(source, out, this.settings)
      const { frames } = await loadFrames(out, this.settings.frameMs)
      // The length the frames really play, so requested and delivered time agree with framesTotal.
      const durationMs = Math.round(frames.reduce((n, f) => n + f.durationSamples, 0) / 48)
      return { frames, durationMs }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }
}
