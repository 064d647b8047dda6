import { KINDS, PARENT_KIND, forest, manageable, pathName } from '../lib/area-tree.js'

export const strings = {
  vi: {
    title: 'Khu vực', list: 'Danh sách khu vực', empty: 'Chưa có khu vực nào.', nodeCount: '{n} cụm loa', noArea: 'Không thuộc địa bàn nào',
    addZone: 'Thêm khu vực', zoneName: 'Tên khu vực', zoneArea: 'Thuộc địa bàn', createZone: 'Tạo khu vực',
    newName: 'Tên mới', zoneCreated: 'Đã thêm khu vực {name}', renamed: 'Đã đổi tên thành {name}', deleted: 'Đã xoá {name}',
    areas: 'Địa bàn', noAreas: 'Chưa có địa bàn nào.', addArea: 'Thêm địa bàn', areaName: 'Tên địa bàn', kind: 'Cấp địa bàn',
    parent: 'Cấp trên', noParent: 'Không có cấp trên', noValidParent: 'Chưa có {parent} nào để đặt {kind} vào; hãy tạo {parent} trước.',
    createArea: 'Tạo địa bàn', areaCreated: 'Đã thêm {name}',
    kind_province: 'Tỉnh', kind_district: 'Huyện', kind_commune: 'Xã',
    kindLower_province: 'tỉnh', kindLower_district: 'huyện', kindLower_commune: 'xã',
    group_province: 'Tỉnh / thành phố', group_district: 'Huyện / quận', group_commune: 'Xã / phường'
  },
  en: {
    title: 'Zones', list: 'Zones', empty: 'No zones yet.', nodeCount: '{n} speakers', noArea: 'No area',
    addZone: 'Add a zone', zoneName: 'Zone name', zoneArea: 'Area', createZone: 'Create zone',
    newName: 'New name', zoneCreated: 'Zone {name} added', renamed: 'Renamed to {name}', deleted: '{name} deleted',
    areas: 'Areas', noAreas: 'No areas yet.', addArea: 'Add an area', areaName: 'Area name', kind: 'Level',
    parent: 'Inside', noParent: 'No parent', noValidParent: 'There is no {parent} to put a {kind} in; create a {parent} first.',
    createArea: 'Create area', areaCreated: '{name} added',
    kind_province: 'Province', kind_district: 'District', kind_commune: 'Commune',
    kindLower_province: 'province', kindLower_district: 'district', kindLower_commune: 'commune',
    group_province: 'Provinces', group_district: 'Districts', group_commune: 'Communes'
  }
}

const byName = (a, b) => a.name.localeCompare(b.name, 'vi')

export async function render (root, ctx) {
  const { h, t, api } = ctx
  const home = ctx.me?.user?.areaId ?? null
  let zones = []
  let areas = []
  let counts = new Map()
  // app.js does not cancel a page that is still loading when the user moves on: never draw over the next page.
  let gone = false
  window.addEventListener('hashchange', () => { gone = true }, { once: true })

  async function load () {
    const [z, a, n] = await Promise.all([api('GET', '/zones'), api('GET', '/areas'), api('GET', '/nodes')])
    zones = z.items.sort(byName)
    areas = a.items
    counts = new Map()
    for (const node of n.items) counts.set(node.zoneId, (counts.get(node.zoneId) ?? 0) + 1)
  }

  /** Runs a change, then reloads and redraws the page and says so. */
  async function change (fn, message) {
    try {
      await fn()
      await load()
      draw()
      ctx.toast(message, 'ok')
    } catch (err) { ctx.fail(err) }
  }

  /** Swaps a row's content for a one-field rename form; Huỷ puts the row back. */
  function rename (holder, current, save) {
    const saved = [...holder.childNodes]
    const input = h('input', { name: 'name', required: true, maxlength: 100, value: current, autocomplete: 'off' })
    const form = h('form', { class: 'inline-edit' },
      h('label', {}, t('newName'), input),
      h('button', { type: 'submit', class: 'primary' }, t('save')),
      h('button', { type: 'button', onclick: () => ctx.clear(holder).append(...saved) }, t('cancel')))
    form.addEventListener('submit', e => { e.preventDefault(); void save(input.value.trim()) })
    ctx.clear(holder).append(form)
    input.focus()
    input.select()
  }

  const actions = (onEdit, onDelete) => h('span', { class: 'row' },
    h('button', { type: 'button', onclick: onEdit }, t('edit')),
    h('button', { type: 'button', class: 'danger', onclick: onDelete }, t('delete')))

  function zoneRow (z) {
    const area = z.areaId === undefined ? t('noArea') : (areas.find(a => a.id === z.areaId)?.name ?? z.areaId)
    const li = h('li', { dataset: { zone: z.id } },
      h('div', {}, h('strong', {}, z.name), h('div', { class: 'muted' }, `${area} · ${t('nodeCount', { n: counts.get(z.id) ?? 0 })}`)))
    if (ctx.can('fleet.manage')) {
      li.append(actions(
        () => rename(li, z.name, name => change(() => api('PATCH', `/zones/${encodeURIComponent(z.id)}`, { name }), t('renamed', { name }))),
        () => { if (window.confirm(t('confirmDelete', { name: z.name }))) void change(() => api('DELETE', `/zones/${encodeURIComponent(z.id)}`), t('deleted', { name: z.name })) }))
    }
    return li
  }

  function zoneForm () {
    const mine = manageable(areas, home)
    const options = KINDS.slice().reverse().map(kind => {
      const list = areas.filter(a => a.kind === kind && mine(a.id)).sort(byName)
      return list.length === 0 ? null : h('optgroup', { label: t('group_' + kind) }, list.map(a => h('option', { value: a.id }, pathName(areas, a.id))))
    })
    const select = h('select', { name: 'areaId' }, options, home === null ? h('option', { value: '' }, t('noArea')) : null)
    const form = h('form', {},
      h('label', {}, t('zoneName'), h('input', { name: 'name', required: true, maxlength: 100, autocomplete: 'off' })),
      h('label', {}, t('zoneArea'), select),
      h('button', { type: 'submit', class: 'primary' }, t('createZone')))
    form.addEventListener('submit', e => {
      e.preventDefault()
      const name = String(new FormData(form).get('name')).trim()
      const body = { name, ...(select.value !== '' ? { areaId: select.value } : {}) }
      void change(() => api('POST', '/zones', body), t('zoneCreated', { name }))
    })
    return h('details', { class: 'card add-form', id: 'add-zone', open: stillOpen('add-zone', zones.length === 0) }, h('summary', {}, t('addZone')), form)
  }

  function areaNode ({ area, children }) {
    const line = h('div', {},
      h('span', {}, h('span', { class: 'badge' }, t('kind_' + area.kind)), ' ', h('strong', {}, area.name)))
    if (manageable(areas, home)(area.id)) {
      line.append(actions(
        () => rename(line, area.name, name => change(() => api('PATCH', `/areas/${encodeURIComponent(area.id)}`, { name }), t('renamed', { name }))),
        () => { if (window.confirm(t('confirmDelete', { name: area.name }))) void change(() => api('DELETE', `/areas/${encodeURIComponent(area.id)}`), t('deleted', { name: area.name })) }))
    }
    return h('li', { dataset: { area: area.id, kind: area.kind } }, line, children.length === 0 ? null : h('ul', {}, children.map(areaNode)))
  }

  function areaForm () {
    const mine = manageable(areas, home)
    const kinds = KINDS.filter(k => k !== 'province' || home === null)
    const kind = h('select', { name: 'kind' }, kinds.map(k => h('option', { value: k }, t('kind_' + k))))
    const parent = h('select', { name: 'parentId' })
    const hint = h('p', { class: 'muted', hidden: true })
    const submit = h('button', { type: 'submit', class: 'primary' }, t('createArea'))
    const fill = () => {
      const want = PARENT_KIND[kind.value]
      const list = want === null ? [] : areas.filter(a => a.kind === want && mine(a.id)).sort(byName)
      ctx.clear(parent).append(...(want === null
        ? [h('option', { value: '' }, t('noParent'))]
        : list.map(a => h('option', { value: a.id }, pathName(areas, a.id)))))
      const stuck = want !== null && list.length === 0
      hint.hidden = !stuck
      hint.textContent = stuck ? t('noValidParent', { parent: t('kindLower_' + want), kind: t('kindLower_' + kind.value) }) : ''
      parent.disabled = want === null || stuck
      submit.disabled = stuck
    }
    kind.addEventListener('change', fill)
    // Start at the level most often added: a commune if there is a district to hold it, else one level up.
    kind.value = kinds.slice().reverse().find(k => PARENT_KIND[k] === null || areas.some(a => a.kind === PARENT_KIND[k] && mine(a.id))) ?? kinds[0]
    fill()
    const form = h('form', {},
      h('label', {}, t('areaName'), h('input', { name: 'name', required: true, maxlength: 100, autocomplete: 'off' })),
      h('label', {}, t('kind'), kind),
      h('label', {}, t('parent'), parent),
      hint, submit)
    form.addEventListener('submit', e => {
      e.preventDefault()
      const name = String(new FormData(form).get('name')).trim()
      const body = { name, kind: kind.value, parentId: PARENT_KIND[kind.value] === null ? null : parent.value }
      void change(() => api('POST', '/areas', body), t('areaCreated', { name }))
    })
    return h('details', { class: 'card add-form', id: 'add-area', open: stillOpen('add-area', areas.length === 0) }, h('summary', {}, t('addArea')), form)
  }

  /** A form the user had open stays open across a redraw. */
  const stillOpen = (id, first) => root.querySelector(`#${id}`)?.open ?? first

  function draw () {
    if (gone) return
    const zoneList = h('ul', { class: 'zone-list', id: 'zone-list' }, zones.map(zoneRow))
    if (zones.length === 0) zoneList.append(h('li', { class: 'muted' }, t('empty')))
    const parts = [
      h('h1', {}, t('title')),
      ctx.can('fleet.manage') ? zoneForm() : null,
      h('section', { class: 'card' }, h('h2', {}, t('list')), zoneList)
    ]
    if (ctx.can('areas.manage')) {
      const tree = forest(areas)
      parts.push(h('section', { class: 'card', id: 'areas' }, h('h2', {}, t('areas')),
        tree.length === 0 ? h('p', { class: 'muted' }, t('noAreas')) : h('ul', { class: 'area-tree', id: 'area-tree' }, tree.map(areaNode))),
      areaForm())
    }
    ctx.clear(root).append(...parts.filter(p => p !== null))
  }

  await load()
  draw()
}
