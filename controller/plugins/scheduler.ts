import { randomUUID } from 'node:crypto'
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { effectivePriority, formatLocal, isEmergency, isQuiet } from '../../schedules/index.js'
import { ScheduleRunner } from '../scheduler/runner.js'
import { programmeOf } from '../scheduler/playlist.js'
import { expandTargets, nodeZones } from '../engine/targets.js'
import { recordBroadcast } from '../store/broadcasts.js'
import { startRelayBroadcast } from '../sources/relay-broadcast.js'
import { isApproved } from '../media/approval.js'
import type { BroadcastRecord, ScheduleRecord } from '../store/schema.js'

declare module 'fastify' {
  interface FastifyInstance {
    scheduler: ScheduleRunner
  }
}

/** Runs the stored schedules: wires the runner to the store (its ledger), the media library and the engine. */
export default fp(async (app: FastifyInstance, opts: { now: () => number }) => {
  const { store, engine, library, config, log } = app
  const iso = (ms: number): string => new Date(ms).toISOString()
  const quiet = { start: config.quietStart, end: config.quietEnd }

  /** A fire that did not play at all: a record with the reason, so reports count it. */
  async function failed (s: ScheduleRecord, at: Date, reason: string): Promise<void> {
    const nodeIds = expandTargets(store.data, s.spec.targets)
    const zones = nodeZones(store.data, nodeIds)
    const record: BroadcastRecord = {
      id: randomUUID(), origin: { kind: 'schedule', scheduleId: s.id }, mediaId: s.spec.playlist[0] ?? '',
      playlist: s.spec.playlist, targets: s.spec.targets, priority: effectivePriority(s.spec), state: 'failed',
      createdAt: iso(opts.now()), scheduledAt: at.toISOString(), startAt: null, endedAt: iso(opts.now()), endReason: reason,
      framesTotal: 0, framesSent: 0, durationMs: 0, streams: [],
      delivery: nodeIds.map(nodeId => ({
        nodeId, zoneId: zones[nodeId] ?? null, status: 'missed' as const, interruptions: 0, framesExpected: 0, framesReceived: null, framesLate: null,
        framesMissing: null, requestedMs: 0, deliveredMs: 0, firstSampleAt: null, finishReason: reason
      }))
    }
    await recordBroadcast({ store, history: app.history, log }, record)
  }

  const runner = new ScheduleRunner({
    now: opts.now,
    list: () => store.data.schedules,
    graceMs: config.missedGraceS * 1000,
    // The lead, plus time for the nodes to answer the play command: the first sample lands on the minute.
    prepareMs: config.leadMs + config.joinTimeoutMs,
    log,
    async markHandled (id, at) {
      await store.update(db => {
        const s = db.schedules.find(x => x.id === id)
        if (s !== undefined && (s.lastFiredAt === null || Date.parse(s.lastFiredAt) < at.getTime())) s.lastFiredAt = at.toISOString()
      })
    },
    async missed (s, at, reason) { await failed(s, at, reason) },
    async fire (s, at) {
      // The last line of defence for the commune's night: whatever slipped past the checks at save time
      // (a window far ahead, an edited quiet-hours setting) does not play without its recorded override.
      if (!isEmergency(s.spec) && s.quietOverride === null && isQuiet(at, config.timeZone, quiet)) {
        await failed(s, at, `refused: ${formatLocal(at, config.timeZone)} is inside quiet hours ${quiet.start}-${quiet.end} and the schedule has no override`)
        return
      }
      if (s.spec.relay !== undefined) {
        const nodeIds = expandTargets(store.data, s.spec.targets)
        if (nodeIds.length === 0) { await failed(s, at, 'failed: its zones and nodes no longer exist'); return }
        await startRelayBroadcast(app, {
          url: s.spec.relay.url, durationMs: s.spec.relay.durationS * 1000, origin: { kind: 'schedule', scheduleId: s.id },
          targets: s.spec.targets, nodeIds, priority: effectivePriority(s.spec), onInterrupt: s.spec.onInterrupt === 'cancel' ? 'cancel' : 'resume',
          maxWaitMs: s.spec.maxWaitS * 1000, scheduledAt: at.getTime(), volume: s.spec.volume,
          quietOverride: s.quietOverride === null ? undefined : { reason: s.quietOverride.reason, at: s.quietOverride.at }
        }).catch(async err => { await failed(s, at, `failed: ${err instanceof Error ? err.message : String(err)}`) })
        return
      }
      const unapproved = s.spec.playlist.map(id => store.data.media.find(m => m.id === id)).find(m => m !== undefined && !isApproved(m))
      if (unapproved !== undefined) { await failed(s, at, `refused: "${unapproved.name}" is not approved (${unapproved.approval?.state ?? 'pending'})`); return }
      const programme = await programmeOf(library, store.data.media, s.spec.playlist, s.spec.repeat, config.frameMs)
      if ('missing' in programme) { await failed(s, at, `failed: media ${programme.missing} no longer exists`); return }
      const nodeIds = expandTargets(store.data, s.spec.targets)
      const chime = s.spec.chime === true ? await app.chimes.get('announce').catch(() => undefined) : undefined
      if (chime !== undefined) {
        programme.frames = [...chime.frames, ...programme.frames]
        programme.durationMs += chime.durationMs
      }
      await engine.start({
        origin: { kind: 'schedule', scheduleId: s.id }, playlist: s.spec.playlist, targets: s.spec.targets,
        nodeIds, nodeZones: nodeZones(store.data, nodeIds), frames: programme.frames, channels: programme.channels,
        durationMs: programme.durationMs, priority: effectivePriority(s.spec), onInterrupt: s.spec.onInterrupt,
        maxWaitMs: s.spec.maxWaitS * 1000, scheduledAt: at.getTime(), volume: s.spec.volume,
        quietOverride: s.quietOverride === null ? undefined : { reason: s.quietOverride.reason, at: s.quietOverride.at }
      })
    }
  })
  app.decorate('scheduler', runner)
  app.addHook('onReady', async () => { runner.start() })
  app.addHook('preClose', async () => { await runner.stop() })
}, { name: 'loa-scheduler', dependencies: ['loa-store', 'loa-broadcast', 'loa-media'] })
