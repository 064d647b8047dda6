import { describe, it, expect, afterEach } from 'vitest'
import { accessSync, constants, statSync } from 'node:fs'
import { chmod, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ensureExecutable, isAudioError, resolveFfmpegPath } from '../../audio/index.js'
import { tempDir } from '../helpers/audio-fixtures.js'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => { await Promise.all(cleanups.splice(0).map((c) => c())) })

async function scratch (): Promise<string> {
  const t = await tempDir()
  cleanups.push(t.remove)
  return t.dir
}

describe('resolveFfmpegPath', () => {
  it('finds the bundled ffmpeg and leaves it executable', () => {
    const path = resolveFfmpegPath()
    expect(path).toMatch(/@ffmpeg-installer/)
    expect(() => accessSync(path, constants.X_OK)).not.toThrow()
  })

  it('prefers an explicit path', async () => {
    const file = join(await scratch(), 'ffmpeg')
    await writeFile(file, '#!/bin/sh\n', { mode: 0o755 })
    expect(resolveFfmpegPath(file)).toBe(file)
  })

  it('refuses a missing explicit path', () => {
    expect(() => resolveFfmpegPath('/nonexistent/ffmpeg')).toThrow(/not found/)
  })

  it('never chmods an explicit path, and says how to fix it', async () => {
    const file = join(await scratch(), 'ffmpeg')
    await writeFile(file, '#!/bin/sh\n', { mode: 0o644 })
    let caught: unknown
    try { resolveFfmpegPath(file) } catch (err) { caught = err }
    expect(isAudioError(caught, 'FFMPEG_UNAVAILABLE')).toBe(true)
    expect(statSync(file).mode & 0o777).toBe(0o644)
  })
})

describe('ensureExecutable', () => {
  // What npm 11 leaves behind when it holds back the bundle's postinstall chmod.
  it('makes a non-executable file 0755', async () => {
    const file = join(await scratch(), 'ffmpeg')
    await writeFile(file, '#!/bin/sh\n')
    await chmod(file, 0o644)
    ensureExecutable(file)
    expect(statSync(file).mode & 0o777).toBe(0o755)
  })

  it('leaves an executable file alone', async () => {
    const file = join(await scratch(), 'ffmpeg')
    await writeFile(file, '#!/bin/sh\n', { mode: 0o700 })
    ensureExecutable(file)
    expect(statSync(file).mode & 0o777).toBe(0o700)
  })
})
