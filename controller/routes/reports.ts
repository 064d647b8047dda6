import Type from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ErrorResponse, secured } from './common.js'
import { DATE_PATTERN } from '../../schedules/index.js'
import { reportRange, MAX_REPORT_DAYS, type ReportRange } from '../reports/range.js'
import { Report } from '../reports/schema.js'
import { ReportBuilder } from '../reports/summary.js'
import { nodesCsv } from '../reports/csv.js'
import { reportTime } from '../store/history.js'
import type { HistoryStore } from '../store/history.js'
import type { Store } from '../store/store.js'
import type { Scope } from '../accounts/scope.js'

const ReportQuery = Type.Object({
  from: Type.String({ pattern: DATE_PATTERN, description: 'first day, YYYY-MM-DD, local to timeZone' }),
  to: Type.String({ pattern: DATE_PATTERN, description: 'last day (included), YYYY-MM-DD' }),
  timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'default: the controller\'s zone (LOA_TIME_ZONE)' })),
  format: Type.Union([Type.Literal('json'), Type.Literal('csv')], { default: 'json', description: 'csv: the per-node table, for Excel' })
}, { additionalProperties: false })

/**
 * Sums every finished broadcast whose time (scheduledAt ?? startAt ?? createdAt) falls in the range: the
 * history files of those months, read line by line, plus ended records an append could not yet move out of
 * the main file (each counted once).
 */
async function summarise (store: Store, history: HistoryStore, range: ReportRange, scope: Scope): Promise<Report> {
  const builder = new ReportBuilder(store.data)
  const pending = new Map(store.data.broadcasts.filter(b => b.endedAt !== null).map(b => [b.id, b]))
  // A user's report sums the broadcasts of their own area only, totals included.
  const { malformed } = await history.scan(range.fromMs, range.toMs, r => {
    pending.delete(r.id)
    if (scope.targets(r.targets)) builder.add(r, reportTime(r))
  })
  for (const r of pending.values()) {
    const t = reportTime(r)
    if (t >= range.fromMs && t < range.toMs && scope.targets(r.targets)) builder.add(r, t)
  }
  return builder.result(range, malformed)
}

/** Delivery statistics per zone, node and schedule for a range of days (issue #3, part 6). */
const reports: FastifyPluginAsyncTypebox = async app => {
  const { store, history } = app

  app.get('/reports', {
    schema: {
      tags: ['reports'], security: secured,
      summary: 'Requested versus delivered airtime per zone, node and schedule, for a range of days',
      description: `Days are local to timeZone; at most ${MAX_REPORT_DAYS} days. format=csv returns the per-node table.`,
      querystring: ReportQuery,
      response: {
        200: { content: { 'application/json': { schema: Report }, 'text/csv': { schema: Type.String() } } },
        400: ErrorResponse
      }
    }
  }, async (req, reply) => {
    const { from, to, format } = req.query
    const timeZone = req.query.timeZone ?? app.config.timeZone
    const report = await summarise(store, history, reportRange(from, to, timeZone), req.scope())
    if (format === 'json') return await reply.type('application/json').send(report)
    return await reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="loa-report-${from}-${to}.csv"`)
      .send(nodesCsv(report))
  })
}

export default reports
