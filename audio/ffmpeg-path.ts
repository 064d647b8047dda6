import { accessSync, chmodSync, constants, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { AudioError } from './errors.js'

/**
 * Which ffmpeg to run. An explicit path (the controller passes env LOA_FFMPEG_PATH, e.g. Debian's
 * /usr/bin/ffmpeg) wins; otherwise the static build bundled by @ffmpeg-installer/ffmpeg.
 *
 * npm 11 may hold back the bundle's postinstall `chmod u+x ffmpeg` (install scripts need an allow-list), which
 * leaves the binary not executable, so the bundled file is made executable here. An explicit path is never
 * chmod-ed: it is the operator's file, and a wrong permission there is theirs to fix.
 */
export function resolveFfmpegPath (explicit?: string): string {
  if (explicit !== undefined && explicit !== '') {
    checkFile(explicit, 'LOA_FFMPEG_PATH')
    if (!isExecutable(explicit)) {
      throw new AudioError('FFMPEG_UNAVAILABLE', `ffmpeg at ${explicit} is not executable; run: chmod +x ${explicit}`)
    }
    return explicit
  }
  const bundled = bundledPath()
  checkFile(bundled, '@ffmpeg-installer/ffmpeg')
  ensureExecutable(bundled)
  return bundled
}

/** Makes a file we own executable (0o755) unless it already is; what the bundle's postinstall should have done. */
export function ensureExecutable (path: string): void {
  if (isExecutable(path)) return
  try {
    chmodSync(path, 0o755)
  } catch (cause) {
    throw new AudioError('FFMPEG_UNAVAILABLE',
      `ffmpeg at ${path} is not executable and could not be made so; set LOA_FFMPEG_PATH`, { cause })
  }
}

function bundledPath (): string {
  // Loaded lazily: the package throws at load time on a platform it has no binary for, and that must not
  // stop a controller that was given LOA_FFMPEG_PATH.
  const require = createRequire(import.meta.url)
  let mod: unknown
  try {
    mod = require('@ffmpeg-installer/ffmpeg')
  } catch (cause) {
    throw new AudioError('FFMPEG_UNAVAILABLE',
      `the bundled ffmpeg is not available here (${String(cause)}); set LOA_FFMPEG_PATH`, { cause })
  }
  if (typeof mod === 'object' && mod !== null && 'path' in mod && typeof mod.path === 'string') return mod.path
  throw new AudioError('FFMPEG_UNAVAILABLE', '@ffmpeg-installer/ffmpeg did not give a path; set LOA_FFMPEG_PATH')
}

function checkFile (path: string, from: string): void {
  let isFile = false
  try {
    isFile = statSync(path).isFile()
  } catch {
    isFile = false
  }
  if (!isFile) throw new AudioError('FFMPEG_UNAVAILABLE', `ffmpeg not found at ${path} (from ${from})`)
}

function isExecutable (path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}
