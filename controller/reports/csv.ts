import type { NodeRow, Report } from './schema.js'

/** The per-node columns, in order; the header row uses these names. */
const COLUMNS = [
  'nodeId', 'name', 'zoneId', 'zoneName', 'broadcasts', 'requestedS', 'deliveredS', 'deliveredPct',
  'completed', 'preempted', 'skipped', 'offline', 'stopped', 'refused', 'noReport', 'missed'
] as const satisfies ReadonlyArray<keyof NodeRow>

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. Text that a spreadsheet would
 * run as a formula (=, +, -, @ first) gets a leading apostrophe: names are typed by staff, and a report is
 * opened by someone else (OWASP "CSV injection").
 */
function field (v: string | number | null): string {
  if (v === null) return ''
  if (typeof v === 'number') return String(v)
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}

/**
 * The per-node table as CSV, UTF-8 with a byte-order mark: without it Excel reads the file as the local
 * code page and "Thôn Đông" comes out garbled. CRLF line ends, as RFC 4180 and Excel expect.
 */
export function nodesCsv (report: Report): string {
  const lines = [COLUMNS.join(',')]
  for (const row of report.nodes) lines.push(COLUMNS.map(c => field(row[c])).join(','))
  return '\uFEFF' + lines.join('\r\n') + '\r\n'
}
