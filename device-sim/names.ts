/**
 * Sim node names: `{prefix}-{zone}-{nnn}`, numbered within each zone, so growing --nodes keeps every
 * existing name (and thus reuses the same controller nodes on the next run).
 */

/** Lower-case ASCII slug; Vietnamese zone names ("Thôn Đông 2") keep their letters ("thon-dong-2"). */
export function slug (s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').toLowerCase()
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'zone'
}

export interface PlannedNode {
  name: string
  zone: string
}

/** Spreads `count` nodes round-robin over `zones`. */
export function planNodes (prefix: string, zones: readonly string[], count: number): PlannedNode[] {
  const plan: PlannedNode[] = []
  for (let i = 0; i < count; i++) {
    const zone = zones[i % zones.length] as string
    const n = Math.floor(i / zones.length) + 1
    plan.push({ zone, name: `${prefix}-${slug(zone)}-${String(n).padStart(3, '0')}` })
  }
  return plan
}

/** The controller compares zone names trimmed and case-insensitively (Vietnamese locale); so does the sim. */
export function sameZoneName (a: string, b: string): boolean {
  return a.trim().toLocaleLowerCase('vi') === b.trim().toLocaleLowerCase('vi')
}
