import type { AreaRecord, Db, MediaRecord, Role, ScheduleRecord } from '../store/schema.js'

/** Who is asking: a signed-in user, or the integration token. */
export interface Principal {
  kind: 'user' | 'token'
  id: string
  /** For the audit: a username, or "api-token". */
  name: string
  role: Role
  /** null: the whole system. */
  areaId: string | null
}

/** The area and every area under it. */
export function subtree (areas: readonly AreaRecord[], rootId: string): Set<string> {
  const out = new Set([rootId])
  let grew = true
  while (grew) {
    grew = false
    for (const a of areas) if (a.parentId !== null && out.has(a.parentId) && !out.has(a.id)) { out.add(a.id); grew = true }
  }
  return out
}

/** The area and every area above it, nearest first. */
export function ancestors (areas: readonly AreaRecord[], id: string): string[] {
  const out: string[] = []
  let at: string | null = id
  while (at !== null && !out.includes(at)) {
    out.push(at)
    at = areas.find(a => a.id === at)?.parentId ?? null
  }
  return out
}

/**
 * What one principal may see: the zones of its area's subtree, their nodes, and what targets only those;
 * media made in its area, below it, or above it (a province's bulletin serves every commune). A principal
 * without an area sees everything. Computed per request from the store as it is then.
 */
export class Scope {
  readonly all: boolean
  private readonly areas: Set<string>
  private readonly zones: Set<string>
  private readonly upward: Set<string>

  constructor (private readonly db: Readonly<Db>, readonly principal: Principal) {
    this.all = principal.areaId === null
    this.areas = principal.areaId === null ? new Set() : subtree(db.areas, principal.areaId)
    this.upward = new Set(principal.areaId === null ? [] : ancestors(db.areas, principal.areaId))
    this.zones = new Set(db.zones.filter(z => this.all || (z.areaId !== undefined && this.areas.has(z.areaId))).map(z => z.id))
  }

  area (areaId: string | null | undefined): boolean {
    return this.all || (areaId !== null && areaId !== undefined && this.areas.has(areaId))
  }

  zone (zoneId: string): boolean {
    return this.all || this.zones.has(zoneId)
  }

  node (nodeId: string): boolean {
    if (this.all) return true
    const n = this.db.nodes.find(x => x.id === nodeId)
    return n !== undefined && this.zones.has(n.zoneId)
  }

  /** Made in this area or below: what the principal may approve, reject or delete (seeing reaches further). */
  ownsMedia (m: Pick<MediaRecord, 'areaId'>): boolean {
    return this.all || (m.areaId !== null && m.areaId !== undefined && this.areas.has(m.areaId))
  }

  /** The areas an audit entry about these targets belongs to: their zones', the targeted nodes' zones', and above. */
  areasOfTargets (t: { zones: readonly string[], nodes: readonly string[] }): string[] {
    const zones = [...t.zones, ...t.nodes.map(id => this.db.nodes.find(n => n.id === id)?.zoneId).filter((z): z is string => z !== undefined)]
    return this.areasOfZones(zones)
  }

  media (m: Pick<MediaRecord, 'areaId'>): boolean {
    if (this.all) return true
    const a = m.areaId ?? null
    return a !== null && (this.areas.has(a) || this.upward.has(a))
  }

  /** Every target inside the scope: a schedule or broadcast that reaches outside is not this user's. */
  targets (t: { zones: readonly string[], nodes: readonly string[] }): boolean {
    return t.zones.every(z => this.zone(z)) && t.nodes.every(n => this.node(n))
  }

  schedule (s: Pick<ScheduleRecord, 'spec'>): boolean {
    return this.targets(s.spec.targets)
  }

  /** The zones that exist now and lie in the scope. */
  zoneIds (): string[] {
    return [...this.zones]
  }

  /** The area ids an audit entry about these zones belongs to, with their ancestors, for filtering. */
  areasOfZones (zoneIds: readonly string[]): string[] {
    const out = new Set<string>()
    for (const id of zoneIds) {
      const a = this.db.zones.find(z => z.id === id)?.areaId
      if (a !== undefined) for (const x of ancestors(this.db.areas, a)) out.add(x)
    }
    return [...out]
  }

  /** The area new content belongs to. */
  get homeArea (): string | null {
    return this.principal.areaId
  }

  /** Area ids this principal may see audit entries of; undefined: all. */
  get auditAreas (): string[] | undefined {
    return this.all ? undefined : [...this.areas]
  }
}
