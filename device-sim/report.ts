import type { FinishReason, SessionReport } from './session.js'

/** One node as the fleet report shows it. */
export interface NodeSnapshot {
  name: string
  id: string
  zone: string
  online: boolean
  volume: number
  playing: string | null
  /** Set when the node could not start (bad credentials, broker unreachable). */
  error: string | null
  sessions: SessionReport[]
}

/** One session across every node that joined it; counts are totals over those nodes. */
export interface SessionSummary {
  session: string
  nodes: number
  finished: number
  expected: number
  received: number
  late: number
  missing: number
  duplicates: number
  /** Largest difference between nodes in when the first sample was really heard; null if fewer than one played. */
  firstSampleSpreadMs: number | null
  reasons: Partial<Record<FinishReason, number>>
}

export interface FleetReport {
  generatedAt: string
  mqttUrl: string
  nodesTotal: number
  nodesOnline: number
  sessions: SessionSummary[]
  nodes: NodeSnapshot[]
}

export function summarizeSessions (nodes: readonly NodeSnapshot[]): SessionSummary[] {
  const bySession = new Map<string, SessionReport[]>()
  for (const n of nodes) {
    for (const r of n.sessions) bySession.set(r.session, [...(bySession.get(r.session) ?? []), r])
  }
  return [...bySession].map(([session, reports]) => {
    const heard = reports.map(r => r.firstSampleHeardAt).filter((t): t is number => t !== null)
    const reasons: Partial<Record<FinishReason, number>> = {}
    for (const r of reports) if (r.reason !== null) reasons[r.reason] = (reasons[r.reason] ?? 0) + 1
    const sum = (pick: (r: SessionReport) => number): number => reports.reduce((n, r) => n + pick(r), 0)
    return {
      session,
      nodes: reports.length,
      finished: reports.filter(r => r.finished).length,
      expected: sum(r => r.expected),
      received: sum(r => r.received),
      late: sum(r => r.late),
      missing: sum(r => r.missing),
      duplicates: sum(r => r.duplicates),
      firstSampleSpreadMs: heard.length === 0 ? null : Math.max(...heard) - Math.min(...heard),
      reasons
    }
  })
}

export function buildReport (nodes: NodeSnapshot[], mqttUrl: string, now: Date = new Date()): FleetReport {
  return {
    generatedAt: now.toISOString(),
    mqttUrl,
    nodesTotal: nodes.length,
    nodesOnline: nodes.filter(n => n.online).length,
    sessions: summarizeSessions(nodes),
    nodes
  }
}

/** Plain-text table: numbers right-aligned, text left-aligned, columns as wide as their widest cell. */
export function table (headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | null>>): string {
  const cells = rows.map(r => r.map(c => c === null ? '-' : String(c)))
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map(r => (r[i] ?? '').length)))
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every(r => typeof r[i] === 'number' || r[i] === null))
  const line = (r: readonly string[]): string => r.map((c, i) => numeric[i] === true ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()
  return [line(headers), line(widths.map(w => '-'.repeat(w))), ...cells.map(line)].join('\n')
}

/** What the CLI prints every few seconds: how many nodes are up and how each session is going. */
export function formatSummary (report: FleetReport): string {
  const head = `${report.generatedAt}  nodes online ${report.nodesOnline}/${report.nodesTotal}  sessions ${report.sessions.length}`
  if (report.sessions.length === 0) return head
  const rows = report.sessions.map(s => [
    s.session.slice(0, 8), s.nodes, s.finished, s.expected, s.received, s.late, s.missing, s.firstSampleSpreadMs, reasonText(s.reasons)
  ])
  return `${head}\n${table(['session', 'nodes', 'done', 'expected', 'received', 'late', 'missing', 'spread ms', 'reasons'], rows)}`
}

/** The final per-node table: totals over every session the node joined. */
export function formatNodeTable (report: FleetReport): string {
  const rows = report.nodes.map(n => {
    const sum = (pick: (r: SessionReport) => number): number => n.sessions.reduce((t, r) => t + pick(r), 0)
    return [
      n.name, n.id, n.zone, n.error !== null ? 'error' : n.online ? 'online' : 'offline', n.sessions.length,
      sum(r => r.expected), sum(r => r.received), sum(r => r.late), sum(r => r.missing), sum(r => r.duplicates),
      n.error ?? n.sessions.at(-1)?.reason ?? null
    ]
  })
  return table(['node', 'id', 'zone', 'state', 'sessions', 'expected', 'received', 'late', 'missing', 'dup', 'last'], rows)
}

function reasonText (reasons: SessionSummary['reasons']): string {
  return Object.entries(reasons).map(([k, v]) => `${k}:${v}`).join(' ')
}
