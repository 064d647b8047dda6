import { DAY_MS } from './calendar.js'
import { effectivePriority, type ScheduleSpec } from './model.js'
import { occurrences } from './recurrence.js'

/**
 * Overlaps between a new or edited schedule and the others, so the API can list them before anyone confirms
 * (issue 3: "it does not silently accept them"). Two schedules conflict when they share a zone id or a node id
 * and their plays [fire, fire + durationMs * repeat) overlap. Zones are compared by id only: a caller that
 * wants a zone-vs-node overlap found expands zones into node ids before calling.
 */

/** The parts of a schedule that decide whether and when it collides with another. */
export type ConflictSpec = Pick<ScheduleSpec,
'targets' | 'recurrence' | 'timeZone' | 'validFrom' | 'validTo' | 'repeat' | 'enabled' | 'level' | 'priority'>

export interface ConflictCandidate { id?: string, spec: ConflictSpec, durationMs: number }
export interface ConflictOther { id: string, name: string, spec: ConflictSpec, durationMs: number }

export interface Conflict {
  scheduleId: string
  scheduleName: string
  /** ISO time at which the two plays start to overlap. */
  at: string
  candidateAt: string
  otherAt: string
  sharedZones: string[]
  sharedNodes: string[]
  /**
   * Who plays on the shared targets: the higher effective priority pre-empts the other; at equal priority the
   * one that starts first plays and the other waits ('queued'), first come, first served.
   */
  winner: 'candidate' | 'other' | 'queued'
}

function shared (a: readonly string[], b: readonly string[]): string[] {
  const set = new Set(b)
  return a.filter(x => set.has(x))
}

function playMs (s: { spec: ConflictSpec, durationMs: number }): number {
  return Math.max(0, s.durationMs) * s.spec.repeat
}

/**
 * Every overlap of a play of `candidate` starting within [from, from + horizonDays) with a play of `others`,
 * ordered by overlap time, at most `max`. Disabled schedules (either side) never conflict; an `other` with the
 * candidate's id is the stored copy of the schedule being edited and is skipped.
 * Cost: one occurrence list per schedule that shares a target, then a linear merge per pair of lists.
 */
export function findConflicts (
  candidate: ConflictCandidate, others: readonly ConflictOther[], from: Date, horizonDays = 14, max = 50
): Conflict[] {
  const cLen = playMs(candidate)
  if (!candidate.spec.enabled || cLen === 0 || max <= 0) return []
  const to = new Date(from.getTime() + horizonDays * DAY_MS)
  let cFires: number[] | undefined // computed once, and only if some schedule shares a target
  const found: Conflict[] = []
  for (const other of others) {
    if (!other.spec.enabled || other.id === candidate.id) continue
    const oLen = playMs(other)
    if (oLen === 0) continue
    const sharedZones = shared(candidate.spec.targets.zones, other.spec.targets.zones)
    const sharedNodes = shared(candidate.spec.targets.nodes, other.spec.targets.nodes)
    if (sharedZones.length === 0 && sharedNodes.length === 0) continue
    cFires ??= occurrences(candidate.spec, from, to).map(d => d.getTime())
    // Include the other's plays that started before `from` and are still running at it.
    const oFires = occurrences(other.spec, new Date(from.getTime() - oLen), to).map(d => d.getTime())
    const cp = effectivePriority(candidate.spec)
    const op = effectivePriority(other.spec)
    const winner = cp > op ? 'candidate' : cp < op ? 'other' : 'queued'
    for (const [c, o] of overlappingPairs(cFires, cLen, oFires, oLen)) {
      found.push({
        scheduleId: other.id,
        scheduleName: other.name,
        at: new Date(Math.max(c, o)).toISOString(),
        candidateAt: new Date(c).toISOString(),
        otherAt: new Date(o).toISOString(),
        sharedZones,
        sharedNodes,
        winner
      })
    }
  }
  found.sort((x, y) => x.at < y.at ? -1 : x.at > y.at ? 1 : 0)
  return found.slice(0, max)
}

/**
 * Pairs (a, b) of starts whose intervals [a, a + aLen) and [b, b + bLen) overlap; both lists ascending.
 * Overlap means b in (a - bLen, a + aLen). Both bounds only move forward as `a` grows, so two pointers find
 * every pair in O(|as| + |bs| + pairs), even when one schedule's own plays overlap each other.
 */
export function overlappingPairs (as: readonly number[], aLen: number, bs: readonly number[], bLen: number): Array<[number, number]> {
  const pairs: Array<[number, number]> = []
  let lo = 0
  let hi = 0
  for (const a of as) {
    while (lo < bs.length && (bs[lo] ?? 0) <= a - bLen) lo++
    if (hi < lo) hi = lo
    while (hi < bs.length && (bs[hi] ?? 0) < a + aLen) hi++
    for (let j = lo; j < hi; j++) pairs.push([a, bs[j] ?? 0])
  }
  return pairs
}
