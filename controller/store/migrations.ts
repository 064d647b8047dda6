import fs from 'node:fs/promises'
import { SCHEMA_VERSION } from './schema.js'
import { StoreLoadError } from './load-error.js'

/**
 * One step per schema version: `steps[n]` turns version n into n+1. Before the first step runs, the file is
 * copied to `loa.json.v{n}.bak` (zigbee2mqtt's habit), so a bad migration can be undone by hand.
 */
const steps: Record<number, (db: Record<string, unknown>) => Record<string, unknown>> = {
  // 1 -> 2: schedules arrive (issue #3).
  1: db => ({ ...db, schedules: [] })
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
  let db = raw as Record<string, unknown>
  for (let v = version; v < SCHEMA_VERSION; v++) {
    const step = steps[v]
    if (step === undefined) throw new StoreLoadError(`no migration from schema ${v}`)
    db = { ...step(db), schemaVersion: v + 1 }
  }
  return db
}
