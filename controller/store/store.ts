import fs from 'node:fs/promises'
import path from 'node:path'
import { Low } from 'lowdb'
import { JSONFile } from 'lowdb/node'
import { Compile } from 'typebox/compile'
import { DbSchema, SCHEMA_VERSION, emptyDb, type Db } from './schema.js'
import { migrate } from './migrations.js'
import { apiError } from '../errors.js'
import { StoreLoadError } from './load-error.js'
import { withDefaults } from '../../schedules/index.js'

export { StoreLoadError }

const check = Compile(DbSchema)

/**
 * The lowdb store. Reads are plain property access on `data`. Every change goes through `update()`, which
 * applies the change to a copy, writes it (lowdb's steno writer renames a temp file, so the file is never half
 * written) and only then makes the copy current: a failed write changes nothing, in memory or on disk.
 * Updates run one at a time, in call order.
 */
export class Store {
  private low: Low<Db>
  private queue: Promise<unknown> = Promise.resolve()

  private constructor (readonly file: string, low: Low<Db>) {
    this.low = low
  }

  static async open (dataDir: string): Promise<Store> {
    await fs.mkdir(dataDir, { recursive: true })
    const file = path.join(dataDir, 'loa.json')
    let raw: unknown
    try {
      raw = JSON.parse(await fs.readFile(file, 'utf8'))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        // Never start over a file we cannot read: that would drop every schedule and node.
        throw new StoreLoadError(`cannot read ${file}: ${(err as Error).message}`)
      }
      raw = undefined
    }
    const low = new Low<Db>(new JSONFile<Db>(file), emptyDb())
    const store = new Store(file, low)
    if (raw === undefined) {
      await low.write()
      return store
    }
    const migrated = await migrate(raw, file)
    if (!check.Check(migrated)) {
      const e = check.Errors(migrated)[0]
      throw new StoreLoadError(`${file} is not a valid Loa data file (schema ${SCHEMA_VERSION}) at ${e?.instancePath ?? '/'}: ${e?.message ?? ''}`)
    }
    // A spec written by hand may leave defaults out; the rest of the controller relies on them being there.
    low.data = { ...migrated, schedules: migrated.schedules.map(r => ({ ...r, spec: withDefaults(r.spec) })) }
    if (migrated !== raw) await low.write()
    return store
  }

  get data (): Readonly<Db> {
    return this.low.data
  }

  /** Applies `change` to a copy and persists it; resolves with what `change` returned. */
  async update<T> (change: (draft: Db) => T): Promise<T> {
    const run = async (): Promise<T> => {
      const draft = structuredClone(this.low.data)
      const result = change(draft)
      const previous = this.low.data
      this.low.data = draft
      try {
        await this.low.write()
      } catch (err) {
        this.low.data = previous
        throw Object.assign(apiError('STORE_WRITE_FAILED'), { cause: err })
      }
      return result
    }
    const p = this.queue.then(run, run)
    this.queue = p.catch(() => undefined)
    return await p
  }
}
