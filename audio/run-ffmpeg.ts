import ffmpeg from 'fluent-ffmpeg'

export interface FfmpegJob {
  input: string
  /** Options before `-i` (global ones such as -nostdin go here too). No option may contain a space. */
  inputOptions: readonly string[]
  outputOptions: readonly string[]
  /** A file path, or '-' for `-f null -`. */
  output: string
  /**
   * Sees every stderr line, progress lines included (fluent-ffmpeg splits on \r as well as \n). Returning an
   * Error stops ffmpeg at once and makes runFfmpeg reject with that Error.
   */
  onLine?: (line: string) => Error | undefined
}

export interface FfmpegOutcome {
  /** ffmpeg exited with status 0. */
  ok: boolean
  /** On failure, fluent-ffmpeg's message plus the last lines ffmpeg wrote; '' on success. */
  detail: string
}

const TAIL_LINES = 20

/**
 * Runs ffmpeg once through fluent-ffmpeg and settles only after the process has exited, so a caller may
 * delete or rename its output straight away. A non-zero exit resolves with ok=false: what it means (not audio,
 * encode failed) is for the caller to decide.
 *
 * fluent-ffmpeg keeps the ffmpeg path in a module-wide cache (setFfmpegPath writes it), so one process should
 * use one ffmpeg binary; running two different binaries concurrently could start the wrong one.
 */
export function runFfmpeg (ffmpegPath: string, job: FfmpegJob): Promise<FfmpegOutcome> {
  return new Promise((resolve, reject) => {
    const tail: string[] = []
    let stopReason: Error | undefined
    const command = ffmpeg({ stdoutLines: TAIL_LINES }).setFfmpegPath(ffmpegPath).input(job.input)
    // Called only when non-empty: with no arguments fluent-ffmpeg would add the option "undefined".
    if (job.inputOptions.length > 0) command.inputOptions(...job.inputOptions)
    if (job.outputOptions.length > 0) command.outputOptions(...job.outputOptions)
    command.output(job.output)
    command.on('stderr', (line: string) => {
      if (stopReason !== undefined) return
      if (!line.startsWith('size=') && line.trim() !== '') {
        tail.push(line)
        if (tail.length > TAIL_LINES) tail.shift()
      }
      const stop = job.onLine?.(line)
      if (stop !== undefined) {
        stopReason = stop
        command.kill('SIGKILL')
      }
    })
    command.on('error', (err: Error) => {
      if (stopReason !== undefined) reject(stopReason)
      else resolve({ ok: false, detail: `${err.message}\n${tail.join('\n')}` })
    })
    command.on('end', () => {
      if (stopReason !== undefined) reject(stopReason)
      else resolve({ ok: true, detail: '' })
    })
    command.run()
  })
}
