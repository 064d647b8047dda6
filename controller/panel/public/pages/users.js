import { api as rawApi, setCsrf } from '../api.js'

export const strings = {
  vi: {
    title: 'Người dùng', myAccount: 'Tài khoản của tôi', myPassword: 'Đổi mật khẩu của tôi', current: 'Mật khẩu hiện tại', newPassword: 'Mật khẩu mới (ít nhất 10 ký tự)',
    repeat: 'Nhập lại mật khẩu mới', changePassword: 'Đổi mật khẩu', passwordChanged: 'Đã đổi mật khẩu', mismatch: 'Hai mật khẩu mới không giống nhau.',
    addTitle: 'Thêm người dùng', username: 'Tên đăng nhập', displayName: 'Họ tên', role: 'Vai trò', area: 'Địa bàn', password: 'Mật khẩu (ít nhất 10 ký tự)',
    addSubmit: 'Thêm người dùng', created: 'Đã thêm "{name}"', list: 'Danh sách người dùng', wholeSystem: 'Toàn hệ thống',
    lastLogin: 'Đăng nhập lần cuối: {when}', never: 'Chưa đăng nhập lần nào', disabled: 'Đã khoá', you: 'Bạn',
    disable: 'Khoá', enable: 'Mở khoá', disabledToast: 'Đã khoá "{name}"', enabledToast: 'Đã mở khoá "{name}"',
    setPassword: 'Đặt mật khẩu mới', passwordFor: 'Mật khẩu mới cho {name}', passwordSet: 'Đã đặt mật khẩu mới cho "{name}"',
    deleted: 'Đã xoá "{name}"', roleHelp: 'Quản trị: mọi việc. Duyệt nội dung: duyệt và phát. Vận hành: soạn, đặt lịch, phát (nội dung chờ duyệt). Chỉ xem: chỉ xem.'
  },
  en: {
    title: 'Users', myAccount: 'My account', myPassword: 'Change my password', current: 'Current password', newPassword: 'New password (10 characters or more)',
    repeat: 'New password again', changePassword: 'Change password', passwordChanged: 'Password changed', mismatch: 'The two new passwords differ.',
    addTitle: 'Add a user', username: 'Username', displayName: 'Full name', role: 'Role', area: 'Area', password: 'Password (10 characters or more)',
    addSubmit: 'Add user', created: 'Added "{name}"', list: 'Users', wholeSystem: 'Whole system',
    lastLogin: 'Last sign-in: {when}', never: 'Never signed in', disabled: 'Disabled', you: 'You',
    disable: 'Disable', enable: 'Enable', disabledToast: '"{name}" disabled', enabledToast: '"{name}" enabled',
    setPassword: 'Set a new password', passwordFor: 'New password for {name}', passwordSet: 'New password set for "{name}"',
    deleted: '"{name}" deleted', roleHelp: 'Administrator: everything. Approver: approves and plays. Operator: writes, schedules, plays (content waits for approval). Viewer: looks only.'
  }
}

const ROLES = ['admin', 'approver', 'operator', 'viewer']

function myPasswordCard (ctx) {
  const { h, t } = ctx
  const error = h('p', { class: 'error-box', role: 'alert', hidden: true })
  const form = h('form', { class: 'card narrow-left', id: 'my-password' },
    h('h2', {}, t('myPassword')),
    h('label', {}, t('current'), h('input', { type: 'password', name: 'current', required: true, autocomplete: 'current-password' })),
    h('label', {}, t('newPassword'), h('input', { type: 'password', name: 'password', required: true, minlength: 10, autocomplete: 'new-password' })),
    h('label', {}, t('repeat'), h('input', { type: 'password', name: 'repeat', required: true, autocomplete: 'new-password' })),
    error,
    h('button', { type: 'submit', class: 'primary' }, t('changePassword')))
  form.addEventListener('submit', async e => {
    e.preventDefault()
    const d = Object.fromEntries(new FormData(form))
    error.hidden = d.password === d.repeat
    if (d.password !== d.repeat) { error.textContent = t('mismatch'); return }
    try {
      await ctx.api('POST', '/auth/password', { current: d.current, password: d.password })
      // The server ended the old session and set a new cookie: this browser needs the new session's CSRF token.
      setCsrf((await rawApi('GET', '/auth/me')).csrf)
      form.reset()
      ctx.toast(t('passwordChanged'), 'ok')
    } catch (err) {
      error.hidden = false
      error.textContent = err.message
      ctx.fail(err)
    }
  })
  return form
}

export async function render (root, ctx) {
  const { h, t, api, clear } = ctx
  if (!ctx.can('users.manage')) {
    document.title = `${t('myAccount')} · Loa`
    root.append(h('h1', {}, t('myAccount')), myPasswordCard(ctx))
    return
  }
  root.append(h('h1', {}, t('title')), myPasswordCard(ctx))

  const areas = (await api('GET', '/areas')).items
  const byId = new Map(areas.map(a => [a.id, a]))
  const path = a => { const names = []; for (let x = a; x !== undefined; x = x.parentId === null ? undefined : byId.get(x.parentId)) names.unshift(x.name); return names.join(' › ') }
  const home = ctx.me.user.areaId
  const within = a => { for (let x = a; x !== undefined; x = x.parentId === null ? undefined : byId.get(x.parentId)) if (x.id === home) return true; return false }
  // Only the areas this admin may give: the whole system for an admin of it, else their own area and below.
  // In tree order, each area under its parent, indented: a select has no room for "Tỉnh › Huyện › Xã" on a phone.
  const tree = []
  const walk = (parentId, depth) => areas.filter(a => a.parentId === parentId).sort((x, y) => x.name.localeCompare(y.name, 'vi'))
    .forEach(a => { tree.push({ a, depth }); walk(a.id, depth + 1) })
  walk(null, 0)
  for (const a of areas) if (a.parentId !== null && !byId.has(a.parentId) && !tree.some(x => x.a === a)) { tree.push({ a, depth: 0 }); walk(a.id, 1) }
  const offered = [...(home === null ? [{ id: '', label: t('wholeSystem') }] : []),
    ...tree.filter(({ a }) => home === null || within(a)).map(({ a, depth }) => ({ id: a.id, label: '\u00a0\u00a0'.repeat(depth) + a.name }))]
  const areaName = id => id === null ? t('wholeSystem') : byId.has(id) ? path(byId.get(id)) : id
  const roleName = r => t('role' + r[0].toUpperCase() + r.slice(1))
  const roleSelect = (value, attrs = {}) => { const s = h('select', { name: 'role', ...attrs }, ROLES.map(r => h('option', { value: r, selected: r === value }, roleName(r)))); s.value = value; return s }
  const areaSelect = (value, attrs = {}) => {
    const s = h('select', { name: 'areaId', ...attrs }, offered.map(o => h('option', { value: o.id, selected: o.id === (value ?? '') }, o.label)))
    if (value !== undefined && !offered.some(o => o.id === (value ?? ''))) s.append(h('option', { value: value ?? '', disabled: true }, areaName(value)))
    s.value = value ?? ''
    return s
  }

  const listSlot = h('section', { class: 'card', id: 'user-list' })
  async function patch (u, body, message) {
    try {
      await api('PATCH', `/users/${encodeURIComponent(u.id)}`, body)
      ctx.toast(message ?? t('saved'), 'ok')
    } catch (err) { ctx.fail(err) }
    await load()
  }

  function row (u) {
    const self = u.id === ctx.me.user.id
    const pwSlot = h('div', { class: 'set-password' })
    const openPassword = () => {
      const input = h('input', { type: 'password', name: 'newPassword', required: true, minlength: 10, autocomplete: 'new-password' })
      const err = h('p', { class: 'error-box', role: 'alert', hidden: true })
      const f = h('form', {}, h('label', {}, t('passwordFor', { name: u.displayName }), input), err,
        h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, t('save')), h('button', { type: 'button', onclick: () => clear(pwSlot) }, t('cancel'))))
      f.addEventListener('submit', async e => {
        e.preventDefault()
        try {
          await api('PATCH', `/users/${encodeURIComponent(u.id)}`, { password: input.value })
          ctx.toast(t('passwordSet', { name: u.displayName }), 'ok')
          clear(pwSlot)
        } catch (e2) { err.hidden = false; err.textContent = e2.message; ctx.fail(e2) }
      })
      clear(pwSlot).append(f)
      input.focus()
    }
    return h('li', { class: 'user', dataset: { user: u.id, username: u.username, disabled: String(u.disabled) } },
      h('div', { class: 'user-main' },
        h('h3', {}, u.displayName, ' ', h('span', { class: 'muted' }, `(${u.username})`), ' ',
          h('span', { class: 'badge' }, roleName(u.role)), u.disabled ? h('span', { class: 'badge bad' }, t('disabled')) : null,
          self ? h('span', { class: 'badge ok' }, t('you')) : null),
        h('p', { class: 'muted' }, `${areaName(u.areaId)} · ${u.lastLoginAt === null ? t('never') : t('lastLogin', { when: ctx.when(u.lastLoginAt) })}`)),
      self ? null : h('div', { class: 'user-actions' },
        h('div', { class: 'two-fields' },
          h('label', {}, t('role'), roleSelect(u.role, { onchange: e => { void patch(u, { role: e.target.value }) } })),
          h('label', {}, t('area'), areaSelect(u.areaId, { onchange: e => { void patch(u, { areaId: e.target.value === '' ? null : e.target.value }) } }))),
        h('div', { class: 'row' },
          h('button', { type: 'button', onclick: () => { void patch(u, { disabled: !u.disabled }, t(u.disabled ? 'enabledToast' : 'disabledToast', { name: u.displayName })) } }, u.disabled ? t('enable') : t('disable')),
          h('button', { type: 'button', onclick: openPassword }, t('setPassword')),
          h('button', { type: 'button', class: 'danger', onclick: async () => {
            if (!confirm(t('confirmDelete', { name: u.displayName }))) return
            try {
              await api('DELETE', `/users/${encodeURIComponent(u.id)}`)
              ctx.toast(t('deleted', { name: u.displayName }), 'ok')
              await load()
            } catch (err) { ctx.fail(err) }
          } }, t('delete'))),
        pwSlot))
  }
  async function load () {
    const users = (await api('GET', '/users')).items.sort((a, b) => a.displayName.localeCompare(b.displayName, 'vi'))
    clear(listSlot).append(h('h2', {}, t('list')), h('ul', { class: 'rows users' }, users.map(row)))
  }

  const createError = h('p', { class: 'error-box', role: 'alert', hidden: true })
  const create = h('form', { class: 'card', id: 'user-create' },
    h('h2', {}, t('addTitle')),
    h('div', { class: 'two-fields' },
      h('label', {}, t('username'), h('input', { name: 'username', required: true, autocomplete: 'off', autocapitalize: 'none', pattern: '[A-Za-z0-9][A-Za-z0-9._\\-]{2,63}' })),
      h('label', {}, t('displayName'), h('input', { name: 'displayName', required: true, maxlength: 100 })),
      h('label', {}, t('role'), roleSelect('operator')),
      h('label', {}, t('area'), areaSelect(home))),
    h('p', { class: 'muted small-print' }, t('roleHelp')),
    h('label', {}, t('password'), h('input', { type: 'password', name: 'password', required: true, minlength: 10, autocomplete: 'new-password' })),
    createError,
    h('button', { type: 'submit', class: 'primary' }, t('addSubmit')))
  create.addEventListener('submit', async e => {
    e.preventDefault()
    const d = Object.fromEntries(new FormData(create))
    try {
      await api('POST', '/users', { username: d.username.trim(), displayName: d.displayName.trim(), role: d.role, areaId: d.areaId === '' ? null : d.areaId, password: d.password })
      createError.hidden = true
      create.reset()
      ctx.toast(t('created', { name: d.displayName.trim() }), 'ok')
      await load()
    } catch (err) {
      createError.hidden = false
      createError.textContent = err.message
      ctx.fail(err)
    }
  })
  root.append(listSlot, create)
  await load()
}
