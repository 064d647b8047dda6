import { describe, it, expect } from 'vitest'
import { FfmpegLogReader, layoutChannels } from '../../audio/ffmpeg-log.js'

function read (text: string): FfmpegLogReader {
  const log = new FfmpegLogReader()
  for (const line of text.split(/\r\n|\r|\n/)) log.feed(line)
  return log
}

// Based on the bundled 2018 build (ffmpeg 4.1) probing an MP3, with a cover-art stream and the bitrate warning added.
const BUNDLED = `[mp3 @ 0x2f5e1c0] Estimating duration from bitrate, this may be inaccurate
Input #0, mp3, from 's.mp3':
  Metadata:
    encoder         : Lavf58.24.100
  Duration: 00:00:03.03, start: 0.025057, bitrate: 64 kb/s
    Stream #0:0: Audio: mp3, 44100 Hz, mono, fltp, 64 kb/s
    Stream #0:1: Video: mjpeg, yuvj420p(pc), 300x300, 90k tbr, 90k tbn, 90k tbc
Stream mapping:
  Stream #0:0 -> #0:0 (mp3 (mp3float) -> pcm_s16le (native))
Output #0, null, to 'pipe:':
    Stream #0:0: Audio: pcm_s16le, 192000 Hz, mono, s16, 3072 kb/s
size=N/A time=00:00:01.52 bitrate=N/A speed=66.4x    \rsize=N/A time=00:00:03.00 bitrate=N/A speed=66.4x
video:0kB audio:1125kB subtitle:0kB other streams:0kB global headers:0kB muxing overhead: unknown
[Parsed_loudnorm_1 @ 0x2f5e2080] 
{
\t"input_i" : "-22.25",
\t"input_tp" : "-18.49",
\t"input_lra" : "0.00",
\t"input_thresh" : "-32.25",
\t"output_i" : "-15.96",
\t"output_tp" : "-12.25",
\t"output_lra" : "0.00",
\t"output_thresh" : "-25.96",
\t"normalization_type" : "dynamic",
\t"target_offset" : "-0.04"
}`

// Debian 5.1's layout (2-space indent, stream ids) for an MP4 whose first stream is video. The negative time is
// what some builds print when nothing was decoded (AV_NOPTS_VALUE); hand-made, not captured from this machine.
const DEBIAN = `Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'a.m4a':
  Duration: 01:02:03.50, start: 0.000000, bitrate: 130 kb/s
  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p, 64x64, 10 fps (default)
  Stream #0:1[0x2](und): Audio: aac (LC) (mp4a / 0x6134706D), 48000 Hz, 5.1(side), fltp, 128 kb/s (default)
Stream mapping:
  Stream #0:1 -> #0:0 (aac (native) -> pcm_s16le (native))
size=N/A time=-577014:32:22.77 bitrate=N/A speed=N/A`

describe('FfmpegLogReader', () => {
  it('reads the 2018 build', () => {
    const log = read(BUNDLED)
    expect(log.sawInput).toBe(true)
    expect(log.durationEstimated).toBe(true)
    expect(log.headerDurationMs).toBe(3030)
    expect(log.audio).toEqual({ codec: 'mp3', sampleRate: 44100, channels: 1 })
    expect(log.timeMs).toBe(3000)
    expect(log.loudnorm?.input_i).toBe('-22.25')
    expect(log.loudnorm?.target_offset).toBe('-0.04')
  })

  it('reads Debian 5.1, with stream ids, and takes a negative time as zero', () => {
    const log = read(DEBIAN)
    expect(log.durationEstimated).toBe(false)
    expect(log.headerDurationMs).toBe(3_723_500)
    expect(log.audio).toEqual({ codec: 'aac', sampleRate: 48000, channels: 6 })
    expect(log.timeMs).toBe(0)
    expect(log.loudnorm).toBeNull()
  })

  it('finds no input in an error', () => {
    const log = read('t.mp3: Invalid data found when processing input')
    expect(log.sawInput).toBe(false)
    expect(log.audio).toBeNull()
    expect(log.timeMs).toBeNull()
  })

  it('ignores a broken JSON block', () => {
    expect(read('[Parsed_loudnorm_0 @ 0x1] \n{\n\t"input_i" : \n}').loudnorm).toBeNull()
  })
})

describe('layoutChannels', () => {
  it.each([
    ['mono', 1], ['stereo', 2], ['2.1', 3], ['quad', 4], ['quad(side)', 4], ['5.0(side)', 5], ['5.1', 6],
    ['5.1(side)', 6], ['6.1(back)', 7], ['7.1(wide-side)', 8], ['octagonal', 8], ['3 channels', 3],
    ['2 channels (FL+LFE)', 2], ['1 channels', 1], ['weird', 0]
  ])('%s has %i channels', (layout, channels) => {
    expect(layoutChannels(layout)).toBe(channels)
  })
})
