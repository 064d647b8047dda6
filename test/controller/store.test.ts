import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Store, StoreLoadError } from '../../controller/store/store.js'
import { SCHEMA_VERSION } from '../../controller/store/schema.js'
import { ApiError } from '../../controller/errors.js'

describe('lowdb store', () => {
  let dir: string
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'loa-store-')) })
  afterEach(async () => { await rm(dir, { recursive: true, force: true }) })

  it('creates a versioned file on first start and reads it back after a restart', async () => {
    const s = await Store.open(dir)
    expect(JSON.parse(await readFile(join(dir, 'loa.json'), 'utf8')).schemaVersion).toBe(SCHEMA_VERSION)
    await s.update(db => { db.zones.push({ id: 'z-1', name: 'Thôn 1', createdAt: '2026-01-01T00:00:00.000Z' }) })
    const again = await Store.open(dir)
    expect(again.data.zones.map(z => z.name)).toEqual(['Thôn 1'])
  })

  it('keeps the old state in memory when a write fails, and says so with a coded error', async () => {
    const s = await Store.open(dir)
    await s.update(db => { db.zones.push({ id: 'z-1', name: 'Thôn 1', createdAt: 'x' }) })
    // An injected fault that works as root too: the file's place is taken by a non-empty folder.
    await rm(join(dir, 'loa.json'))
    await mkdir(join(dir, 'loa.json'))
    await writeFile(join(dir, 'loa.json', 'blocker'), '')
    const err = await s.update(db => { db.zones.push({ id: 'z-2', name: 'Thôn 2', createdAt: 'x' }) }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect((err as ApiError).code).toBe('STORE_WRITE_FAILED')
    expect(s.data.zones.map(z => z.id)).toEqual(['z-1'])
  })

  it('runs updates one at a time, in order', async () => {
    const s = await Store.open(dir)
    await Promise.all(Array.from({ length: 20 }, async (_, i) => await s.update(db => {
      db.zones.push({ id: `z-${i}`, name: `Thôn ${i}`, createdAt: 'x' })
    })))
    expect(s.data.zones.map(z => z.id)).toEqual(Array.from({ length: 20 }, (_, i) => `z-${i}`))
    const onDisk = JSON.parse(await readFile(join(dir, 'loa.json'), 'utf8')) as { zones: unknown[] }
    expect(onDisk.zones).toHaveLength(20)
  })

  it('migrates a version 1 file one step at a time, keeping a backup of the original first', async () => {
    const v1 = { schemaVersion: 1, auth: {}, zones: [{ id: 'z-1', name: 'Thôn 1', createdAt: 'x' }], nodes: [], media: [], broadcasts: [] }
    await writeFile(join(dir, 'loa.json'), JSON.stringify(v1))
    const s = await Store.open(dir)
    expect(s.data.schemaVersion).toBe(SCHEMA_VERSION)
    expect(s.data.schedules).toEqual([])
    expect(s.data.zones.map(z => z.name)).toEqual(['Thôn 1'])
    expect(JSON.parse(await readFile(join(dir, 'loa.json.v1.bak'), 'utf8'))).toEqual(v1)
    expect(JSON.parse(await readFile(join(dir, 'loa.json'), 'utf8')).schemaVersion).toBe(SCHEMA_VERSION)
  })

  it('migrates a version 2 file to accounts and areas: nothing is lost, nobody can log in until an admin is set up', async () => {
    const media = { id: 'm-1', name: 'Bản tin', file: 'm-1.opus', durationMs: 1000, sizeBytes: 10, codec: 'opus', bitrateKbps: 32, loudnessLufs: -16, source: { filename: 'a.mp3', sizeBytes: 10, codec: 'mp3', sampleRate: 44100, channels: 1, durationMs: 1000 }, createdAt: 'x' }
    const v2 = { schemaVersion: 2, auth: { adminTokenHash: 'sha256:ab' }, zones: [{ id: 'z-1', name: 'Thôn 1', createdAt: 'x' }], nodes: [], media: [media], schedules: [], broadcasts: [] }
    await writeFile(join(dir, 'loa.json'), JSON.stringify(v2))
    const s = await Store.open(dir)
    expect(s.data).toMatchObject({ schemaVersion: SCHEMA_VERSION, areas: [], users: [], auth: { adminTokenHash: 'sha256:ab' } })
    expect(s.data.zones).toEqual(v2.zones)
    // Media from before approvals existed has no approval field, which counts as approved.
    expect(s.data.media[0]?.approval).toBeUndefined()
    expect(JSON.parse(await readFile(join(dir, 'loa.json.v2.bak'), 'utf8'))).toEqual(v2)
  })

  it('refuses to start over a corrupt file, and leaves it as it was', async () => {
    await writeFile(join(dir, 'loa.json'), '{"schemaVersion":1,"zones":[')
    await expect(Store.open(dir)).rejects.toBeInstanceOf(StoreLoadError)
    expect(await readFile(join(dir, 'loa.json'), 'utf8')).toBe('{"schemaVersion":1,"zones":[')
  })

  it('refuses a file from a newer Loa, and one that does not match the schema', async () => {
    await writeFile(join(dir, 'loa.json'), JSON.stringify({ schemaVersion: SCHEMA_VERSION + 1 }))
    await expect(Store.open(dir)).rejects.toThrow(/newer than this controller/)
    await writeFile(join(dir, 'loa.json'), JSON.stringify({ schemaVersion: SCHEMA_VERSION, zones: 'many' }))
    await expect(Store.open(dir)).rejects.toThrow(/not a valid Loa data file/)
    await writeFile(join(dir, 'loa.json'), JSON.stringify({ zones: [] }))
    await expect(Store.open(dir)).rejects.toThrow(/no valid schemaVersion/)
    expect((await readdir(dir)).sort()).toEqual(['loa.json'])
  })
})
