/**
 * Container formats an upload may be in. ffmpeg picks the demuxer from the file's content, so without this
 * list an "mp3" that is really an HLS or concat playlist makes ffmpeg open other files on the controller's
 * disk (or the network) and hand their audio back as the upload. Everything a phone, a PC recorder or a radio
 * studio produces is here; playlists, image sequences and raw devices are not.
 */
export const INPUT_FORMATS = Object.freeze([
  'wav', 'w64', 'mp3', 'ogg', 'flac', 'mov', 'matroska', 'aac', 'amr', 'aiff', 'asf', 'caf', 'wv'
])

/** ffmpeg input options that apply the list; every ffmpeg run on an upload starts with these. */
export const SAFE_INPUT_OPTIONS: readonly string[] = Object.freeze(['-format_whitelist', INPUT_FORMATS.join(',')])
