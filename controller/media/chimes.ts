import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { loadFrames, prepareMedia, type AudioSettings, type MediaFrame } from '../../audio/index.js'

const run = promisify(execFile)

export type ChimeKind = 'announce' | 'emergency'

/**
 * The built-in sounds, made with ffmpeg so no binary asset ships: a gentle two-note "ding-dong" before
 * announcements, and for emergencies a distinct, insistent two-tone alternation (the pattern sirens and PA
 * evacuation signals use), so nobody mistakes a warning for the morning bulletin.
 */
const BUILT_IN: Record<ChimeKind, string> = {
  announce: 'aevalsrc=0.5*sin(2*PI*660*t)*exp(-3*t)*lt(t\\,0.6)+0.5*sin(2*PI*523*(t-0.6))*exp(-3*(t-0.6))*gte(t\\,0.6):s=48000:d=1.4',
  emergency: 'aevalsrc=0.6*sin(2*PI*(960-190*gte(mod(t\\,0.5)\\,0.25))*t):s=48000:d=2'
}

/**
 * Chimes live in memory, encoded once at start: an emergency must not wait for, or depend on, the disk.
 * A configured file (LOA_CHIME_FILE, LOA_EMERGENCY_CHIME_FILE) replaces a built-in sound.
 */
export class Chimes {
  private readonly frames = new Map<ChimeKind, { frames: MediaFrame[], durationMs: number }>()
  private loading: Promise<void> | undefined

  constructor (private readonly settings: AudioSettings, private readonly files: Partial<Record<ChimeKind, string>>) {}

  /** Starts encoding (idempotent); get() waits for it. */
  load (): Promise<void> {
    this.loading ??= this.encodeAll()
    return this.loading
  }

  /** Resolves when no encode is running (whether it worked or not). */
  async settled (): Promise<void> {
    await this.loading?.catch(() => undefined)
  }

  async get (kind: ChimeKind): Promise<{ frames: MediaFrame[], durationMs: number }> {
    await this.load()
    const c = this.frames.get(kind)
    if (c === undefined) throw new Error(`chime ${kind} is not loaded`)
    return c
  }

  private async encodeAll (): Promise<void> {
    // The system temp folder, not the data folder: the chimes must load even with a read-only data folder.
    const dir = await mkdtemp(path.join(tmpdir(), 'loa-chimes-'))
    try {
      for (const kind of ['announce', 'emergency'] as const) {
        let source = this.files[kind]
        if (source === undefined) {
          source = path.join(dir, `${kind}.wav`)
          await run(this.settings.ffmpegPath, ['-nostdin', '-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', BUILT_IN[kind], source])
        }
        const out = path.join(dir, `${kind}.opus`)
        const prepared = await prepareMedia(source, out, this.settings)
        const { frames } = await loadFrames(out, this.settings.frameMs)
        this.frames.set(kind, { frames, durationMs: prepared.durationMs })
      }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }
}
