/**
 * One 20 ms Opus packet of digital silence, to fill a live feed while its source is late or gone, so the
 * nodes keep a steady clock and no decoder is left running on stale audio.
 *
 * TOC byte (RFC 6716 s3.1): config 31 = CELT-only, fullband, 20 ms (960 samples at 48 kHz); the s bit says
 * stereo; code 0 = one frame: 0xF8 mono, 0xFC stereo. The frame is range-coded, and the first symbol CELT
 * reads is its silence flag, with probability 1/32768 (RFC 6716 s4.3, Table 56). The bytes FF FE put the
 * decoder's value in that top 1/32768 of the range, so the flag reads 1 and the decoder outputs silence
 * without reading further. It has to be a real flag: a packet of the TOC byte alone is a lost frame
 * (RFC 6716 s3.2.1), which the decoder conceals by continuing the previous sound.
 *
 * Checked (test/audio/live-silence.test.ts): opus-decoder gives 960 samples a channel of |x| < 1e-30 (CELT's
 * anti-denormal offset; 0 as 16-bit PCM). Straight after speech, the first one fades the old sound out over
 * its first 5-6 ms (the decoder's overlap and mode-switch cross-fade), and the next ones are silent.
 * It is the very packet libopus writes for digital silence: both our ffmpeg builds encode anullsrc as
 * F8 FF FE (mono) and FC FF FE (stereo).
 */
const CELT_SILENCE_FRAME = [0xff, 0xfe]
const TOC = { 1: 0xf8, 2: 0xfc } as const

/** A new array each call, so a caller may own and change it. */
export function opusSilencePacket (channels: 1 | 2): Uint8Array {
  return Uint8Array.from([TOC[channels], ...CELT_SILENCE_FRAME])
}
