import fs from 'node:fs/promises'
import path from 'node:path'
import { SCHEMA_VERSION } from './schema.js'
import { StoreLoadError } from './load-error.js'
import { HistoryStore } from './history.js'
import type { BroadcastRecord } from './schema.js'
import { broadcastFromV1 } from './migrate-v1.js'

/** What a step may need besides the data: the data folder, for what moves out of the main file. */
interface StepContext { dataDir: string }
type Step = (db: Record<string, unknown>, ctx: StepContext) => Promise<Record<string, unknown>>

/**
 * Finished broadcasts leave the main file for the history files (issue #3: history must not slow the store).
 * appendMissing() makes this safe to repeat: if the controller stops after the append but before the new
 * main file is written, the next start runs the step again and appends nothing twice.
 */
async function moveFinishedBroadcasts (db: Record<string, unknown>, ctx: StepContext): Promise<Record<string, unknown>> {
  const all = Array.isArray(db.broadcasts) ? db.broadcasts as BroadcastRecord[] : []
  const ended = all.filter(b => typeof b === 'object' && b !== null && typeof b.endedAt === 'string')
  if (ended.length === 0) return db
  const history = await HistoryStore.open(ctx.dataDir)
  await history.appendMissing(ended)
  const moved = new Set(ended)
  return { ...db, broadcasts: all.filter(b => !moved.has(b)) }
}

/**
 * One step per schema version: `steps[n]` turns version n into n+1. Before the first step runs, the file is
 * copied to `loa.json.v{n}.bak` (zigbee2mqtt's habit), so a bad migration can be undone by hand.
 */
const steps: Record<number, Step> = {
  // 1 -> 2: schedules arrive; broadcasts take the new shape, and finished ones move to the history files (issue #3).
  1: async (db, ctx) => {
    const converted = { ...db, broadcasts: (Array.isArray(db.broadcasts) ? db.broadcasts as Array<Record<string, unknown>> : []).map(broadcastFromV1) }
    return { ...await moveFinishedBroadcasts(converted, ctx), schedules: [] }
  },
  // 2 -> 3: accounts and areas arrive (issue #5). Zones and media stay where they were: without an area they
  // are seen by users of the whole system only, and media made before approvals counts as approved.
  2: async db => ({ ...db, areas: [], users: [] })
}

export async function migrate (raw: unknown, file: string): Promise<unknown> {
  if (typeof raw !== 'object' || raw === null) throw new StoreLoadError(`${file} does not hold a JSON object`)
  const version = (raw as { schemaVersion?: unknown }).schemaVersion
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new StoreLoadError(`${file} has no valid schemaVersion`)
  }
  if (version > SCHEMA_VERSION) {
    throw new StoreLoadError(`${file} is schema ${version}, newer than this controller understands (${SCHEMA_VERSION}); upgrade Loa`)
  }
  if (version === SCHEMA_VERSION) return raw
  await fs.copyFile(file, `${file}.v${version}.bak`)
  const ctx: StepContext = { dataDir: path.dirname(file) }
  let db = raw as Record<string, unknown>
  for (let v = version; v < SCHEMA_VERSION; v++) {
    const step = steps[v]
    if (step === undefined) throw new StoreLoadError(`no migration from schema ${v}`)
    db = { ...await step(db, ctx), schemaVersion: v + 1 }
  }
  return db
}
