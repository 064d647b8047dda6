import { parseArgs } from 'node:util'

export const USAGE = `Usage: npm run sim -- --controller URL --token TOKEN --nodes N --zones a,b [options]

Runs N simulated speaker nodes against a Loa controller.

  --controller URL   controller base URL, e.g. http://127.0.0.1:8080 (required)
  --token TOKEN      API token (or env LOA_TOKEN)
  --nodes N          number of nodes, 1-10000 (required)
  --zones a,b        zone names, created if missing; nodes are spread round-robin (required)
  --mqtt URL         broker URL (default: controller host, MQTT port from /api/v1/info)
  --duration S       stop after S seconds (default: run until Ctrl-C / SIGTERM)
  --report FILE      write the final report as JSON (atomically)
  --wav-dir DIR      decode audio and write DIR/<session>/<node>.wav per node and session
  --prefix P         node name prefix (default sim): names are P-<zone>-001, ...
  --concurrency N    parallel API calls and connects (default 20)
  --interval S       seconds between summary tables (default 5)
  --help             this text`

export interface CliOptions {
  controller: string
  token: string
  nodes: number
  zones: string[]
  mqtt: string | undefined
  durationS: number | undefined
  report: string | undefined
  wavDir: string | undefined
  prefix: string
  concurrency: number
  intervalS: number
}

/** A command-line mistake: the CLI prints it with the usage and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError'
}

function int (name: string, raw: string | undefined, min: number, max: number, fallback?: number): number {
  if (raw === undefined) {
    if (fallback === undefined) throw new UsageError(`--${name} is required`)
    return fallback
  }
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`)
  return n
}

function seconds (name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined
  const n = Number(raw)
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number of seconds, got ${JSON.stringify(raw)}`)
  return n
}

function url (name: string, raw: string | undefined, protocols: RegExp): string | undefined {
  if (raw === undefined) return undefined
  if (!URL.canParse(raw) || !protocols.test(new URL(raw).protocol)) throw new UsageError(`--${name} is not a valid URL: ${JSON.stringify(raw)}`)
  return raw
}

/** The options, or 'help' when --help was given. Throws UsageError. */
export function parseCliArgs (argv: string[], env: Record<string, string | undefined>): CliOptions | 'help' {
  let values
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' },
        controller: { type: 'string' },
        token: { type: 'string' },
        nodes: { type: 'string' },
        zones: { type: 'string' },
        mqtt: { type: 'string' },
        duration: { type: 'string' },
        report: { type: 'string' },
        'wav-dir': { type: 'string' },
        prefix: { type: 'string' },
        concurrency: { type: 'string' },
        interval: { type: 'string' }
      }
    }).values
  } catch (err) {
    // parseArgs' own messages name the bad option; keep them.
    throw new UsageError(err instanceof Error ? err.message : String(err))
  }
  if (values.help === true) return 'help'
  const controller = url('controller', values.controller, /^https?:$/)
  if (controller === undefined) throw new UsageError('--controller is required')
  const token = values.token ?? env.LOA_TOKEN
  if (token === undefined || token === '') throw new UsageError('--token is required (or set LOA_TOKEN)')
  const zones = (values.zones ?? '').split(',').map(z => z.trim()).filter(z => z !== '')
  if (zones.length === 0) throw new UsageError('--zones is required: a comma-separated list of zone names')
  const prefix = values.prefix ?? 'sim'
  if (!/^[a-z0-9][a-z0-9-]{0,30}$/.test(prefix)) throw new UsageError('--prefix must be lower-case letters, digits and dashes')
  return {
    controller,
    token,
    nodes: int('nodes', values.nodes, 1, 10_000),
    zones,
    mqtt: url('mqtt', values.mqtt, /^(mqtts?|wss?):$/),
    durationS: seconds('duration', values.duration),
    report: values.report,
    wavDir: values['wav-dir'],
    prefix,
    concurrency: int('concurrency', values.concurrency, 1, 1000, 20),
    intervalS: seconds('interval', values.interval) ?? 5
  }
}
