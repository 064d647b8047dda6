export const strings = {
  vi: {
    title: 'Nhật ký', from: 'Từ ngày', to: 'Đến ngày', actor: 'Người thực hiện', actorHint: 'tên đăng nhập', action: 'Loại thao tác', filter: 'Lọc',
    more: 'Xem thêm', empty: 'Không có mục nào.', changes: 'Xem thay đổi ({n})', system: 'Hệ thống', token: 'Khoá API', skipped: '{n} dòng nhật ký bị hỏng đã được bỏ qua.',
    'p_user.': 'Người dùng', 'p_media.': 'Thư viện', 'p_schedule.': 'Lịch phát', 'p_broadcast.': 'Bản tin', 'p_emergency.': 'Khẩn cấp',
    'p_node.': 'Cụm loa', 'p_zone.': 'Khu vực', 'p_area.': 'Địa bàn', 'p_live.': 'Phát trực tiếp', 'p_relay.': 'Tiếp sóng',
    'user.login': 'Đăng nhập', 'user.login_failed': 'Đăng nhập sai', 'user.logout': 'Đăng xuất', 'user.setup': 'Tạo tài khoản quản trị đầu tiên',
    'user.create': 'Thêm người dùng', 'user.update': 'Sửa người dùng', 'user.update_password': 'Đặt mật khẩu mới cho người dùng',
    'user.password': 'Đổi mật khẩu của mình', 'user.delete': 'Xoá người dùng',
    'media.create': 'Thêm nội dung', 'media.update': 'Sửa nội dung', 'media.approve': 'Duyệt nội dung', 'media.reject': 'Từ chối nội dung', 'media.delete': 'Xoá nội dung',
    'schedule.create': 'Thêm lịch phát', 'schedule.update': 'Sửa lịch phát', 'schedule.enable': 'Bật lịch phát', 'schedule.disable': 'Tắt lịch phát', 'schedule.delete': 'Xoá lịch phát',
    'broadcast.start': 'Phát ngay', 'broadcast.stop': 'Dừng bản tin', 'emergency.start': 'Phát khẩn cấp', 'live.start': 'Phát trực tiếp', 'relay.start': 'Tiếp sóng',
    'node.create': 'Thêm cụm loa', 'node.update': 'Sửa cụm loa', 'node.volume': 'Chỉnh âm lượng', 'node.credentials': 'Cấp lại mật khẩu cụm loa', 'node.delete': 'Xoá cụm loa',
    'zone.create': 'Thêm khu vực', 'zone.update': 'Sửa khu vực', 'zone.delete': 'Xoá khu vực',
    'area.create': 'Thêm địa bàn', 'area.update': 'Đổi tên địa bàn', 'area.delete': 'Xoá địa bàn'
  },
  en: {
    title: 'Audit log', from: 'From', to: 'To', actor: 'By', actorHint: 'username', action: 'Kind of action', filter: 'Filter',
    more: 'Show more', empty: 'No entries.', changes: 'Show changes ({n})', system: 'System', token: 'API token', skipped: '{n} damaged log lines were left out.',
    'p_user.': 'Users', 'p_media.': 'Media', 'p_schedule.': 'Schedules', 'p_broadcast.': 'Broadcasts', 'p_emergency.': 'Emergency',
    'p_node.': 'Speakers', 'p_zone.': 'Zones', 'p_area.': 'Areas', 'p_live.': 'Live', 'p_relay.': 'Relay',
    'user.login': 'Signed in', 'user.login_failed': 'Failed sign-in', 'user.logout': 'Signed out', 'user.setup': 'Created the first administrator',
    'user.create': 'Added a user', 'user.update': 'Changed a user', 'user.update_password': 'Set a user\'s password',
    'user.password': 'Changed own password', 'user.delete': 'Deleted a user',
    'media.create': 'Added media', 'media.update': 'Changed media', 'media.approve': 'Approved media', 'media.reject': 'Rejected media', 'media.delete': 'Deleted media',
    'schedule.create': 'Added a schedule', 'schedule.update': 'Changed a schedule', 'schedule.enable': 'Enabled a schedule', 'schedule.disable': 'Disabled a schedule', 'schedule.delete': 'Deleted a schedule',
    'broadcast.start': 'Played now', 'broadcast.stop': 'Stopped a broadcast', 'emergency.start': 'Emergency broadcast', 'live.start': 'Went live', 'relay.start': 'Relayed a stream',
    'node.create': 'Added a speaker', 'node.update': 'Changed a speaker', 'node.volume': 'Set a volume', 'node.credentials': 'New speaker credentials', 'node.delete': 'Deleted a speaker',
    'zone.create': 'Added a zone', 'zone.update': 'Changed a zone', 'zone.delete': 'Deleted a zone',
    'area.create': 'Added an area', 'area.update': 'Renamed an area', 'area.delete': 'Deleted an area'
  }
}

const PREFIXES = ['user.', 'media.', 'schedule.', 'broadcast.', 'emergency.', 'node.', 'zone.', 'area.', 'live.', 'relay.']
const plain = v => v !== null && typeof v === 'object' && !Array.isArray(v)

/** { a: { b: 1 } } → Map { 'a.b' → 1 }: nested records become dotted keys; arrays stay whole. */
function flatten (value, prefix = '', out = new Map(), depth = 0) {
  if (!plain(value)) { if (prefix !== '') out.set(prefix, value); return out }
  for (const [k, v] of Object.entries(value)) {
    const key = prefix === '' ? k : `${prefix}.${k}`
    if (plain(v) && depth < 4) flatten(v, key, out, depth + 1)
    else out.set(key, v)
  }
  return out
}

/** The fields that differ between before and after: [key, before, after]. */
export function changedFields (before, after) {
  const a = flatten(before ?? {})
  const b = flatten(after ?? {})
  const keys = [...new Set([...a.keys(), ...b.keys()])]
  return keys.filter(k => JSON.stringify(a.get(k)) !== JSON.stringify(b.get(k))).map(k => [k, a.get(k), b.get(k)])
}

const show = v => {
  if (v === undefined || v === null) return '—'
  const s = typeof v === 'string' ? v : JSON.stringify(v)
  return s.length > 160 ? s.slice(0, 159) + '…' : s
}

export async function render (root, ctx) {
  const { h, t, clear } = ctx
  const p = ctx.params
  const input = (name, type, label, placeholder) => h('label', {}, label, h('input', { name, type, value: p.get(name) ?? '', autocapitalize: 'none', placeholder }))
  const select = h('select', { name: 'action' }, h('option', { value: '' }, t('all')), PREFIXES.map(x => h('option', { value: x }, t('p_' + x))))
  select.value = PREFIXES.includes(p.get('action') ?? '') ? p.get('action') : ''
  const filters = h('form', { class: 'card audit-filters', id: 'audit-filters' },
    h('div', { class: 'filter-grid' },
      input('from', 'date', t('from')), input('to', 'date', t('to')), input('actor', 'text', t('actor'), t('actorHint')),
      h('label', {}, t('action'), select)),
    h('button', { type: 'submit', class: 'primary' }, t('filter')))
  const list = h('ul', { class: 'rows audit', id: 'audit-list' })
  const more = h('button', { type: 'button', id: 'audit-more', hidden: true }, t('more'))
  const note = h('p', { class: 'warn-text', hidden: true })
  let next = null

  const actorName = a => a.kind === 'system' ? `${t('system')} (${a.name})` : a.kind === 'token' ? t('token') : a.name
  const actionName = action => { const s = t(action); return s === action ? action : s }
  const entry = e => {
    const changes = changedFields(e.before, e.after)
    return h('li', { class: 'audit-entry', dataset: { audit: e.id, action: e.action } },
      h('div', { class: 'audit-head' },
        h('span', { class: 'muted' }, ctx.when(e.at)),
        h('span', {}, h('strong', {}, actorName(e.actor)), e.ip !== undefined ? h('span', { class: 'muted' }, ` · ${e.ip}`) : null)),
      h('div', {}, h('span', { class: e.action.startsWith('emergency.') || e.action.endsWith('_failed') ? 'bad-text' : '' }, actionName(e.action)),
        e.target?.name !== undefined ? [': ', h('strong', {}, e.target.name)] : e.target !== null ? `: ${e.target.id}` : null,
        e.note !== undefined ? h('span', { class: 'muted' }, ` — ${e.note}`) : null),
      changes.length === 0 ? null : h('details', {},
        h('summary', {}, t('changes', { n: changes.length })),
        h('ul', { class: 'diff' }, changes.map(([k, b, a]) => h('li', { dataset: { field: k } },
          h('code', {}, k), ': ', h('span', { class: 'diff-before' }, show(b)), ' → ', h('span', { class: 'diff-after' }, show(a)))))))
  }

  async function load (append) {
    const d = Object.fromEntries([...new FormData(filters)].filter(([, v]) => v !== ''))
    const q = new URLSearchParams({ ...d, limit: '50' })
    if (append && next !== null) q.set('before', next)
    try {
      const r = await ctx.api('GET', `/audit?${q}`)
      if (!append) clear(list)
      list.append(...r.items.map(entry))
      if (list.children.length === 0) list.append(h('li', { class: 'muted' }, t('empty')))
      next = r.next
      more.hidden = next === null
      note.textContent = r.skipped > 0 ? t('skipped', { n: r.skipped }) : ''
      note.hidden = r.skipped === 0
    } catch (err) { ctx.fail(err) }
  }
  filters.addEventListener('submit', e => { e.preventDefault(); next = null; void load(false) })
  more.addEventListener('click', () => { void load(true) })
  root.append(h('h1', {}, t('title')), filters, h('section', { class: 'card' }, note, list, more))
  await load(false)
}
