import type { MediaFrame } from '../../audio/index.js'
import type { MediaLibrary } from '../media/library.js'
import type { MediaRecord } from '../store/schema.js'

export interface Programme { frames: MediaFrame[], channels: number, durationMs: number }

/**
 * A schedule's playlist as one stream of frames: each item's frames in order, the whole repeated `repeat`
 * times. Items keep their own Opus pre-skip in their first frame, so they join without a click or a gap.
 * Returns the id of the first media item that no longer exists instead, so the fire can be recorded as failed.
 */
export async function programmeOf (
  library: MediaLibrary, media: readonly MediaRecord[], playlist: readonly string[], repeat: number, frameMs: number
): Promise<Programme | { missing: string }> {
  const items: Array<{ frames: MediaFrame[], channels: number, durationMs: number }> = []
  for (const id of playlist) {
    const m = media.find(x => x.id === id)
    if (m === undefined) return { missing: id }
    const { frames, channels } = await library.frames(m, frameMs)
    items.push({ frames, channels, durationMs: m.durationMs })
  }
  const once = items.flatMap(i => i.frames)
  const frames: MediaFrame[] = []
  for (let r = 0; r < repeat; r++) frames.push(...once)
  return {
    frames,
    channels: Math.max(...items.map(i => i.channels)),
    durationMs: items.reduce((ms, i) => ms + i.durationMs, 0) * repeat
  }
}
