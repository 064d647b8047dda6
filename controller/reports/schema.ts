import Type, { type Static } from 'typebox'

/**
 * The report's shape, for validation of the response and for the OpenAPI document. Seconds are rounded to
 * 0.1 s; a percentage is null where nothing was requested (a row of missed fires only).
 */

const Count = Type.Integer({ minimum: 0 })
const Seconds = Type.Number({ minimum: 0 })
const Pct = Type.Union([Type.Number({ minimum: 0, maximum: 100 }), Type.Null()], { description: 'deliveredS / requestedS, in %' })

export const ZoneRow = Type.Object({
  zoneId: Type.Union([Type.String(), Type.Null()], { description: 'null: nodes whose zone is not known (deleted, from records older than zoneId)' }),
  name: Type.String({ description: "today's name of the zone, or its id if it was deleted" }),
  broadcasts: Type.Integer({ minimum: 0, description: 'broadcasts that played (or tried to) on at least one node of the zone' }),
  nodeRecords: Count,
  requestedS: Seconds,
  deliveredS: Seconds,
  deliveredPct: Pct,
  completed: Count,
  preempted: Count,
  skipped: Count,
  offline: Count,
  missed: Type.Integer({ minimum: 0, description: 'scheduled fires that never played (controller down past the grace) that targeted the zone' })
})
export type ZoneRow = Static<typeof ZoneRow>

export const NodeRow = Type.Object({
  nodeId: Type.String(),
  name: Type.String({ description: "today's name of the node, or its id if it was deleted" }),
  zoneId: Type.Union([Type.String(), Type.Null()], { description: 'its zone in its latest broadcast of the range' }),
  zoneName: Type.String(),
  broadcasts: Count,
  requestedS: Seconds,
  deliveredS: Seconds,
  deliveredPct: Pct,
  completed: Count,
  preempted: Count,
  skipped: Count,
  offline: Count,
  stopped: Count,
  refused: Count,
  noReport: Count,
  missed: Type.Integer({ minimum: 0, description: 'fires that did not play on this node at all (missed, or their media was gone)' })
})
export type NodeRow = Static<typeof NodeRow>

export const ScheduleRow = Type.Object({
  scheduleId: Type.String(),
  name: Type.String({ description: "the schedule's name today, or its id if it was deleted" }),
  fires: Type.Integer({ minimum: 0, description: 'fires that became a broadcast' }),
  missed: Type.Integer({ minimum: 0, description: 'fires recorded as missed' })
})
export type ScheduleRow = Static<typeof ScheduleRow>

export const Totals = Type.Object({
  broadcasts: Count,
  nodeRecords: Count,
  requestedS: Seconds,
  deliveredS: Seconds,
  deliveredPct: Pct,
  missed: Type.Integer({ minimum: 0, description: 'scheduled fires recorded as missed (not counted in broadcasts)' })
})
export type Totals = Static<typeof Totals>

export const Report = Type.Object({
  from: Type.String(),
  to: Type.String(),
  timeZone: Type.String(),
  totals: Totals,
  zones: Type.Array(ZoneRow),
  nodes: Type.Array(NodeRow),
  schedules: Type.Array(ScheduleRow),
  skippedLines: Type.Integer({ minimum: 0, description: 'history lines that could not be read (torn by a crash) and were left out' })
})
export type Report = Static<typeof Report>
