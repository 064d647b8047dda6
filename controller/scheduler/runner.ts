import type { FastifyBaseLogger } from 'fastify'
import { nextFireTimes, occurrences } from '../../schedules/index.js'
import type { ScheduleRecord } from '../store/schema.js'

export interface RunnerDeps {
  now: () => number
  /** The schedules as stored now. */
  list: () => readonly ScheduleRecord[]
  /** Persists that an occurrence was handled; called BEFORE it fires, so a crash cannot make it fire twice. */
  markHandled: (scheduleId: string, occurrence: Date) => Promise<void>
  fire: (s: ScheduleRecord, occurrence: Date) => Promise<void>
  missed: (s: ScheduleRecord, occurrence: Date, reason: string) => Promise<void>
  /** A fire found late (controller down, clock stepped) still plays if it is at most this late. */
  graceMs: number
  /** How long before its time a fire starts, so its first sample is heard at the time itself (lead + join). */
  prepareMs: number
  log: FastifyBaseLogger
}

/** The runner never sleeps longer than this, so a clock step is noticed within a minute even if no timer is due. */
const MAX_SLEEP_MS = 60_000
/** Past this many, missed fires of one schedule are summed up in one record instead of one each. */
const MAX_MISSED_RECORDS = 20

/**
 * Fires schedules at their times. Times come from schedules/ (wall-clock, DST-aware), not from node-cron's own
 * timer, which drops times in a DST gap and fires ambiguous autumn times inconsistently (see schedules/cron.ts).
 * Each wake-up asks, per schedule: which occurrences lie between the last one handled and now (plus the
 * preparation time)? Those not older than the grace fire (the latest one; earlier ones are recorded as
 * missed), older ones are recorded as missed. The last handled occurrence is stored before firing, so:
 * a restart within the grace plays a missed fire once; a restart after it records it as missed; a clock
 * stepped back never repeats a fire; a clock stepped forward never skips one without a record.
 */
export class ScheduleRunner {
  private timer: NodeJS.Timeout | undefined
  private running = false
  private again = false
  private stopped = true
  /** The ledger in memory too: if the disk refuses a write, the same fire still never repeats in this process. */
  private readonly handled = new Map<string, number>()
  private tickDone: Promise<void> = Promise.resolve()
  private readonly firing = new Set<Promise<void>>()

  constructor (private readonly deps: RunnerDeps) {}

  start (): void {
    this.stopped = false
    this.wake()
  }

  /** Stops timing fires; resolves once the wake-up in progress and the fires it started are done. */
  async stop (): Promise<void> {
    this.stopped = true
    if (this.timer !== undefined) clearTimeout(this.timer)
    await this.tickDone
    await Promise.all([...this.firing])
  }

  /** Schedules changed: look again now. */
  wake (): void {
    if (this.stopped) return
    if (this.running) { this.again = true; return }
    this.tickDone = this.tick()
  }

  private async tick (): Promise<void> {
    this.running = true
    if (this.timer !== undefined) clearTimeout(this.timer)
    try {
      for (const s of this.deps.list()) {
        if (s.spec.enabled) await this.handle(s).catch(err => this.deps.log.error({ err, schedule: s.id }, 'scheduler: a fire failed'))
      }
    } finally {
      this.running = false
    }
    if (this.again && !this.stopped) { this.again = false; await this.tick(); return }
    this.arm()
  }

  private async handle (s: ScheduleRecord): Promise<void> {
    const { now, graceMs, prepareMs } = this.deps
    const t = now()
    const from = this.from(s)
    const due = occurrences(s.spec, new Date(from), new Date(t + prepareMs + 1))
    if (due.length === 0) return
    const playable = due.filter(o => t - o.getTime() <= graceMs)
    const latest = playable[playable.length - 1]
    const missed = due.filter(o => o !== latest)
    for (const [i, o] of missed.entries()) {
      if (i < MAX_MISSED_RECORDS) {
        const why = t - o.getTime() > graceMs
          ? `missed: the controller was not running at ${o.toISOString()} (found ${Math.round((t - o.getTime()) / 1000)} s late; the grace is ${Math.round(graceMs / 1000)} s)`
          : 'missed: a later fire of the same schedule was due at the same time'
        await this.deps.missed(s, o, why)
      } else if (i === MAX_MISSED_RECORDS) {
        await this.deps.missed(s, o, `missed: ${missed.length - MAX_MISSED_RECORDS} more fires up to ${missed[missed.length - 1]?.toISOString() ?? ''}`)
      }
    }
    const last = due[due.length - 1] as Date
    this.handled.set(s.id, Math.max(this.handled.get(s.id) ?? -Infinity, last.getTime()))
    await this.deps.markHandled(s.id, last).catch(err => {
      // Playing matters more than the ledger: fire anyway, and say that a restart could repeat it.
      this.deps.log.error({ err, schedule: s.id }, 'scheduler: could not record the fire before playing it')
    })
    if (latest !== undefined && !this.stopped) {
      this.deps.log.info({ schedule: s.id, at: latest.toISOString(), lateMs: Math.max(0, t - latest.getTime()) }, 'scheduler: fire')
      // Not awaited: schedules due at the same minute start together, not one join-wait after another.
      const firing = this.deps.fire(s, latest)
        .catch(err => this.deps.log.error({ err, schedule: s.id }, 'scheduler: a fire failed'))
        .finally(() => this.firing.delete(firing))
      this.firing.add(firing)
    }
  }

  /** Occurrences after this time are still to be handled. */
  private from (s: ScheduleRecord): number {
    const stored = s.lastFiredAt === null ? -Infinity : Date.parse(s.lastFiredAt)
    const handled = Math.max(stored, this.handled.get(s.id) ?? -Infinity) + 1
    return Math.max(handled, Date.parse(s.createdAt))
  }

  private arm (): void {
    if (this.stopped) return
    const t = this.deps.now()
    let next = t + MAX_SLEEP_MS
    for (const s of this.deps.list()) {
      if (!s.spec.enabled) continue
      const n = nextFireTimes(s.spec, new Date(Math.max(this.from(s) - 1, t)), 1)[0]
      if (n !== undefined) next = Math.min(next, n.getTime() - this.deps.prepareMs)
    }
    this.timer = setTimeout(() => this.wake(), Math.max(0, Math.min(MAX_SLEEP_MS, next - t)))
    this.timer.unref()
  }
}
