/**
 * The panel: a page per hash route (#/schedules), each a module in pages/ with
 *   export const strings = { vi: {...}, en: {...} }
 *   export async function render (root, ctx)
 * ctx gives the page the API, its strings (ctx.t), the signed-in user, permissions, live events (removed on
 * navigation), toasts and DOM helpers. No build step: the browser loads these modules as they are.
 */
import { api, ApiError, setCsrf, upload } from './api.js'
import { COMMON, lang, setLang, t as translate, when } from './i18n.js'
import { connectEvents, disconnectEvents, on as onEvent } from './events.js'
import { h, clear, svg } from './dom.js'

const NAV = [
  ['dashboard', null], ['speakers', null], ['zones', null], ['media', null], ['schedules', null], ['broadcasts', null],
  ['live', 'broadcast.start'], ['emergency', 'emergency.start'], ['reports', null], ['users', 'users.manage'], ['audit', 'audit.read']
]
const PUBLIC = new Set(['login', 'setup'])
let me = null
let pageOff = []
let visits = 0

const $ = id => document.getElementById(id)

function toast (message, kind = 'info') {
  const el = $('toast')
  el.textContent = message
  el.className = `toast ${kind}`
  el.hidden = false
  clearTimeout(toast.timer)
  toast.timer = setTimeout(() => { el.hidden = true }, kind === 'error' ? 8000 : 3500)
}

function routeOf () {
  const [path, query] = location.hash.replace(/^#\/?/, '').split('?')
  return { name: path === '' ? 'dashboard' : path.split('/')[0], rest: path.split('/').slice(1), params: new URLSearchParams(query ?? '') }
}

function can (permission) { return me?.permissions?.includes(permission) ?? false }

function renderChrome () {
  const top = $('top')
  top.hidden = me === null
  if (me === null) return
  $('who').textContent = `${me.user.displayName} · ${translate(COMMON, 'role' + me.user.role[0].toUpperCase() + me.user.role.slice(1))}`
  $('lang').textContent = translate(COMMON, 'switchLang')
  $('logout').textContent = translate(COMMON, 'logout')
  const current = routeOf().name
  clear($('nav')).append(...NAV.filter(([, p]) => p === null || can(p)).map(([name]) =>
    h('a', { href: `#/${name}`, class: name === current ? 'active' : undefined, 'aria-current': name === current ? 'page' : undefined, dataset: { page: name } }, translate(COMMON, name))))
}

async function show () {
  const visit = ++visits
  for (const off of pageOff) off()
  pageOff = []
  const route = routeOf()
  if (me === null && !PUBLIC.has(route.name)) { location.hash = '#/login'; return }
  renderChrome()
  $('nav').classList.remove('open')
  $('toast').hidden = true
  const main = clear($('main'))
  main.append(h('p', { class: 'muted' }, translate(COMMON, 'loading')))
  let mod
  try {
    mod = await import(`./pages/${route.name}.js`)
  } catch {
    clear(main).append(h('p', {}, `#/${route.name}?`))
    return
  }
  if (visit !== visits) return // the user moved on while the module loaded
  const strings = mod.strings ?? { vi: {}, en: {} }
  const ctx = {
    api, upload, me, can, toast, h, clear, svg, params: route.params, rest: route.rest,
    settings: me?.settings ?? {},
    t: (key, params) => translate(strings, key, params),
    when: iso => when(iso, me?.settings?.timeZone ?? 'Asia/Ho_Chi_Minh'),
    on: (type, fn) => { pageOff.push(onEvent(type, fn)) },
    navigate: hash => { location.hash = hash },
    /** Shows an API error in the page's language; returns true if it was one. */
    fail: err => {
      if (err instanceof ApiError && err.status === 401 && !PUBLIC.has(route.name)) { signedOut(); return true }
      toast(err.message, 'error')
      return true
    },
    signedIn: async () => { await loadMe(); location.hash = '#/' },
    lang
  }
  // Each visit renders into its own element: a page still loading when the user moves on fills a detached
  // element, never the next page.
  const root = h('div', { class: 'page', dataset: { page: route.name } })
  clear(main).append(root)
  document.title = `${translate(COMMON, route.name) ?? ''} · Loa`
  try {
    await mod.render(root, ctx)
  } catch (err) {
    ctx.fail(err)
  }
  main.focus({ preventScroll: true })
}

function signedOut () {
  me = null
  disconnectEvents()
  location.hash = '#/login'
}

async function loadMe () {
  try {
    me = await api('GET', '/auth/me')
    setCsrf(me.csrf)
    connectEvents(ok => {
      const el = $('live-status')
      el.className = ok ? 'live on' : 'live off'
      el.title = translate(COMMON, ok ? 'liveOn' : 'liveOff')
      el.setAttribute('aria-label', el.title)
    })
  } catch {
    me = null
  }
}

async function start () {
  $('menu-toggle').addEventListener('click', () => {
    const open = $('nav').classList.toggle('open')
    $('menu-toggle').setAttribute('aria-expanded', String(open))
  })
  $('lang').addEventListener('click', () => { setLang(lang() === 'vi' ? 'en' : 'vi'); void show() })
  $('logout').addEventListener('click', async () => {
    await api('POST', '/auth/logout').catch(() => undefined)
    signedOut()
  })
  const status = await api('GET', '/auth/status').catch(() => ({ setupNeeded: false }))
  await loadMe()
  if (status.setupNeeded) location.hash = '#/setup'
  window.addEventListener('hashchange', () => { void show() })
  await show()
}

void start()
