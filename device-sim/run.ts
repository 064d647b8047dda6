import { ApiError } from './api.js'
import { parseCliArgs, USAGE, UsageError, type CliOptions } from './args.js'
import { writeFileAtomic } from './atomic.js'
import { SimFleet } from './fleet.js'
import type { LogFn } from './log.js'
import { formatNodeTable, formatSummary } from './report.js'

export interface CliIo {
  out: (text: string) => void
  err: (text: string) => void
  /** Aborted on SIGINT/SIGTERM by cli.ts; tests abort it themselves. */
  signal: AbortSignal
}

/** Exit codes: 0 done, 1 the run failed (controller unreachable, refused), 2 bad command line. */
export async function runCli (argv: string[], env: Record<string, string | undefined>, io: CliIo): Promise<number> {
  let opts: CliOptions | 'help'
  try {
    opts = parseCliArgs(argv, env)
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    io.err(`error: ${err.message}\n\n${USAGE}`)
    return 2
  }
  if (opts === 'help') {
    io.out(USAGE)
    return 0
  }
  const log: LogFn = (level, message, data) => {
    if (level === 'warn' || level === 'error') io.err(`[${level}] ${message}${data !== undefined ? ' ' + JSON.stringify(data) : ''}`)
  }
  const fleet = new SimFleet({
    controller: opts.controller,
    token: opts.token,
    nodes: opts.nodes,
    zones: opts.zones,
    prefix: opts.prefix,
    mqttUrl: opts.mqtt,
    wavDir: opts.wavDir,
    concurrency: opts.concurrency,
    log
  })
  try {
    await fleet.start()
  } catch (err) {
    io.err(`error: ${err instanceof ApiError ? `${err.message} (${err.code})` : String(err)}`)
    await fleet.stop()
    return 1
  }
  io.out(formatSummary(fleet.report()))
  const ticker = setInterval(() => io.out(formatSummary(fleet.report())), opts.intervalS * 1000)
  await until(io.signal, opts.durationS)
  clearInterval(ticker)
  await fleet.stop()
  const report = fleet.report()
  io.out(`\n${formatNodeTable(report)}\n\n${formatSummary(report)}`)
  if (opts.report !== undefined) {
    await writeFileAtomic(opts.report, JSON.stringify(report, null, 2) + '\n')
    io.out(`report written to ${opts.report}`)
  }
  return 0
}

/** Resolves when the signal aborts or, if given, after the duration. */
function until (signal: AbortSignal, durationS: number | undefined): Promise<void> {
  return new Promise(resolve => {
    if (signal.aborted) return resolve()
    const timer = durationS === undefined ? undefined : setTimeout(done, durationS * 1000)
    function done (): void {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })
}
