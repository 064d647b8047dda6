import { randomBytes } from 'node:crypto'
import { rename, rm, writeFile } from 'node:fs/promises'

/**
 * Writes to a temp file in the same folder, then renames over the target (atomic on POSIX within one file
 * system): a reader never sees half a WAV or half a report, even if the sim is killed mid-write.
 */
export async function writeFileAtomic (path: string, data: Buffer | string): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  try {
    await writeFile(tmp, data)
    await rename(tmp, path)
  } catch (err) {
    await rm(tmp, { force: true })
    throw err
  }
}
