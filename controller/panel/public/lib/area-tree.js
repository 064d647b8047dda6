/**
 * The administrative tree (province > district > commune) as the zones page shows it. The server checks
 * every change; these helpers only keep the forms from offering what it would refuse.
 */
export const KINDS = ['province', 'district', 'commune']
export const PARENT_KIND = { province: null, district: 'province', commune: 'district' }

/** The area and every area under it. */
export function subtree (areas, rootId) {
  const out = new Set([rootId])
  let grew = true
  while (grew) {
    grew = false
    for (const a of areas) if (a.parentId !== null && out.has(a.parentId) && !out.has(a.id)) { out.add(a.id); grew = true }
  }
  return out
}

/** Whether the user (areaId null: everywhere) may change this area or put things in it. */
export function manageable (areas, userAreaId) {
  if (userAreaId === null || userAreaId === undefined) return () => true
  const mine = subtree(areas, userAreaId)
  return id => mine.has(id)
}

const byName = (a, b) => a.name.localeCompare(b.name, 'vi')

/** Depth-first: [{ area, depth, children }], roots being areas whose parent is not in the list. */
export function forest (areas) {
  const ids = new Set(areas.map(a => a.id))
  const kids = id => areas.filter(a => a.parentId === id).sort(byName).map(a => ({ area: a, children: kids(a.id) }))
  return areas.filter(a => a.parentId === null || !ids.has(a.parentId)).sort(byName).map(a => ({ area: a, children: kids(a.id) }))
}

/** "Xã Minh Đức, Huyện Tứ Kỳ": the area with the names above it that are known. */
export function pathName (areas, id) {
  const out = []
  let at = areas.find(a => a.id === id)
  while (at !== undefined && out.length < 5) {
    out.push(at.name)
    at = at.parentId === null ? undefined : areas.find(a => a.id === at.parentId)
  }
  return out.join(', ')
}
