import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFile } from 'node:fs/promises'
import { get } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { startController, upload, waitFor, type TestController } from '../helpers/controller.js'
import { PASSWORD, login, sessionCookieOf, setupAdmin, type Browser } from '../helpers/accounts.js'
import { ffmpeg, tempDir } from '../helpers/audio-fixtures.js'

interface Id { id: string }

/**
 * Accounts on a real controller: the one-time setup, login and its rate limit, CSRF, how passwords are
 * stored, what each role may do, what each area sees (in the API; the panel test checks the pages), content
 * approval, and an audit entry for every change.
 */
describe('accounts, roles, areas, approval and audit', () => {
  let c: TestController
  let tmp: { dir: string, remove: () => Promise<void> }
  let admin: Browser
  const ids: Record<string, string> = {}
  let clip: Buffer
  /** Every change made through the API in this file, to be found in the audit log. */
  const changes: string[] = []

  beforeAll(async () => {
    tmp = await tempDir()
    c = await startController()
    const wav = join(tmp.dir, 'tin.wav')
    await ffmpeg(['-f', 'lavfi', '-i', 'aevalsrc=0.3*sin(2*PI*440*t):s=48000:d=1', wav])
    clip = await readFile(wav)
  }, 30_000)
  afterAll(async () => { await c?.close(); await tmp?.remove() })

  it('has no default password: the first admin comes from the one-time setup code, which then stops working', async () => {
    expect((await c.app.inject({ method: 'GET', url: '/api/v1/auth/status' })).json()).toEqual({ setupNeeded: true })
    const wrong = await c.app.inject({ method: 'POST', url: '/api/v1/auth/setup', payload: { code: 'AAAA-BBBB-CCCC-DDDD', username: 'quantri', displayName: 'Q', password: PASSWORD } })
    expect(wrong.json()).toMatchObject({ statusCode: 401, code: 'SETUP_CODE_INVALID' })
    const code = c.app.setupCode ?? ''
    expect(code).toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/)
    admin = await setupAdmin(c)
    changes.push('user.setup')
    const again = await c.app.inject({ method: 'POST', url: '/api/v1/auth/setup', payload: { code, username: 'ke-gian', displayName: 'X', password: PASSWORD } })
    expect(again.json()).toMatchObject({ code: 'SETUP_DONE' })
    expect((await c.app.inject({ method: 'GET', url: '/api/v1/auth/status' })).json()).toEqual({ setupNeeded: false })
  })

  it('sets an HttpOnly, SameSite=Strict session cookie and knows who is signed in', async () => {
    const r = await c.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'QuanTri', password: PASSWORD } })
    expect(r.statusCode, r.body).toBe(200)
    const header = String(r.headers['set-cookie'])
    expect(header).toMatch(/HttpOnly/)
    expect(header).toMatch(/SameSite=Strict/)
    expect(header).toMatch(/Path=\//)
    const me = await c.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: `loa_session=${sessionCookieOf(r)}` } })
    expect(me.json()).toMatchObject({ user: { username: 'quantri', role: 'admin', areaId: null } })
    expect(me.json<{ user: Record<string, unknown> }>().user.passwordHash).toBeUndefined()
    expect((await c.app.inject({ method: 'GET', url: '/api/v1/zones' })).json()).toMatchObject({ code: 'AUTH_REQUIRED' })
  })

  it('refuses a change made with the cookie but without the CSRF token, or from another site', async () => {
    const noToken = await c.app.inject({ method: 'POST', url: '/api/v1/zones', headers: { cookie: `loa_session=${admin.cookie}` }, payload: { name: 'Thôn CSRF' } })
    expect(noToken.json()).toMatchObject({ statusCode: 403, code: 'CSRF_FAILED' })
    const wrongToken = await admin.call('POST', '/api/v1/zones', { name: 'Thôn CSRF' }, { 'x-csrf-token': 'x'.repeat(43) })
    expect(wrongToken.json()).toMatchObject({ code: 'CSRF_FAILED' })
    const otherSite = await admin.call('POST', '/api/v1/zones', { name: 'Thôn CSRF' }, { origin: 'https://evil.example' })
    expect(otherSite.json()).toMatchObject({ code: 'CSRF_FAILED' })
    // Behind a TLS proxy the page's origin says https while the controller sees http: the host is what counts.
    const proxied = await admin.call('GET', '/api/v1/zones', undefined, { origin: 'https://localhost:80' })
    expect(proxied.statusCode).toBe(200)
    // Reading needs no token; nothing was created.
    expect((await admin.call('GET', '/api/v1/zones')).json<{ items: unknown[] }>().items).toHaveLength(0)
  })

  it('builds a province with two communes, users in each, and stores passwords only as scrypt hashes', async () => {
    const area = async (name: string, kind: string, parentId: string | null): Promise<string> => {
      const r = await admin.call('POST', '/api/v1/areas', { name, kind, parentId })
      expect(r.statusCode, r.body).toBe(201)
      changes.push('area.create')
      return r.json<Id>().id
    }
    ids.province = await area('Tỉnh Hà Nam', 'province', null)
    ids.district = await area('Huyện Lý Nhân', 'district', ids.province)
    ids.communeA = await area('Xã Nhân Thịnh', 'commune', ids.district)
    ids.communeB = await area('Xã Nhân Mỹ', 'commune', ids.district)
    expect((await admin.call('POST', '/api/v1/areas', { name: 'Sai', kind: 'commune', parentId: ids.province })).json()).toMatchObject({ code: 'AREA_PARENT_INVALID' })
    for (const [key, areaId] of [['A', ids.communeA], ['B', ids.communeB]] as const) {
      const z = await admin.call('POST', '/api/v1/zones', { name: 'Thôn 1', areaId })
      expect(z.statusCode, z.body).toBe(201)
      ids[`zone${key}`] = z.json<Id>().id
      const n = await admin.call('POST', '/api/v1/nodes', { name: `Loa ${key}`, zoneId: ids[`zone${key}`] })
      expect(n.statusCode, n.body).toBe(201)
      ids[`node${key}`] = n.json<{ node: Id }>().node.id
      changes.push('zone.create', 'node.create')
    }
    const user = async (username: string, role: string, areaId: string | null): Promise<void> => {
      const r = await admin.call('POST', '/api/v1/users', { username, displayName: username, role, areaId, password: PASSWORD })
      expect(r.statusCode, r.body).toBe(201)
      changes.push('user.create')
    }
    await user('vanhanh-a', 'operator', ids.communeA)
    await user('duyet-a', 'approver', ids.communeA)
    await user('xem-a', 'viewer', ids.communeA)
    await user('vanhanh-b', 'operator', ids.communeB)
    expect((await admin.call('POST', '/api/v1/users', { username: 'yeu', displayName: 'Y', role: 'viewer', areaId: ids.communeA, password: '12345678' })).json()).toMatchObject({ code: 'PASSWORD_WEAK' })
    expect((await admin.call('POST', '/api/v1/users', { username: 'vanhanh-a', displayName: 'Y', role: 'viewer', areaId: ids.communeA, password: PASSWORD })).json()).toMatchObject({ code: 'USERNAME_TAKEN' })

    const file = await readFile(join(c.dataDir, 'loa.json'), 'utf8')
    const forms = [PASSWORD, Buffer.from(PASSWORD).toString('base64'), Buffer.from(PASSWORD).toString('base64url'), Buffer.from(PASSWORD).toString('hex')]
    for (const f of forms) expect(file).not.toContain(f)
    const stored = (JSON.parse(file) as { users: Array<{ passwordHash: string }> }).users
    expect(stored).toHaveLength(5)
    for (const u of stored) expect(u.passwordHash).toMatch(/^scrypt\$15\$8\$1\$[\w-]{22}\$[\w-]{43}$/)
    // Same password, different salts: no two hashes alike.
    expect(new Set(stored.map(u => u.passwordHash)).size).toBe(5)
  })

  it('shows an operator only their commune\'s zones and nodes, and answers "not found" for the other commune', async () => {
    const a = await login(c, 'vanhanh-a')
    expect((await a.call('GET', '/api/v1/zones')).json<{ items: Id[] }>().items.map(z => z.id)).toEqual([ids.zoneA])
    expect((await a.call('GET', '/api/v1/nodes')).json<{ items: Id[] }>().items.map(n => n.id)).toEqual([ids.nodeA])
    expect((await a.call('GET', `/api/v1/nodes/${ids.nodeB ?? ''}`)).statusCode).toBe(404)
    expect((await a.call('PUT', `/api/v1/nodes/${ids.nodeB ?? ''}/volume`, { volume: 10 })).statusCode).toBe(404)
    expect((await a.call('GET', '/api/v1/areas')).json<{ items: Id[] }>().items.map(x => x.id).sort()).toEqual([ids.province, ids.district, ids.communeA].sort())
    // The whole system's admin sees both.
    expect((await admin.call('GET', '/api/v1/nodes')).json<{ items: Id[] }>().items).toHaveLength(2)
  })

  it('lets each role do only its job', async () => {
    const viewer = await login(c, 'xem-a')
    const op = await login(c, 'vanhanh-a')
    expect((await viewer.call('POST', '/api/v1/zones', { name: 'Thôn 9' })).json()).toMatchObject({ statusCode: 403, code: 'FORBIDDEN' })
    expect((await viewer.call('PUT', `/api/v1/nodes/${ids.nodeA ?? ''}/volume`, { volume: 10 })).json()).toMatchObject({ code: 'FORBIDDEN' })
    expect((await op.call('POST', '/api/v1/users', { username: 'leo', displayName: 'L', role: 'admin', areaId: null, password: PASSWORD })).json()).toMatchObject({ code: 'FORBIDDEN' })
    expect((await op.call('DELETE', `/api/v1/nodes/${ids.nodeA ?? ''}`)).json()).toMatchObject({ code: 'FORBIDDEN' })
    const vol = await op.call('PUT', `/api/v1/nodes/${ids.nodeA ?? ''}/volume`, { volume: 60 })
    expect(vol.statusCode, vol.body).toBe(200)
    changes.push('node.volume')
  })

  it('holds an operator\'s upload until an approver of the commune approves it', async () => {
    const op = await login(c, 'vanhanh-a')
    const up = await c.app.inject({ method: 'POST', url: '/api/v1/media', headers: { cookie: `loa_session=${op.cookie}`, 'x-csrf-token': op.csrf, 'content-type': 'multipart/form-data; boundary=b' }, payload: Buffer.concat([Buffer.from('--b\r\nContent-Disposition: form-data; name="file"; filename="tin.wav"\r\n\r\n'), clip, Buffer.from('\r\n--b--\r\n')]) })
    expect(up.statusCode, up.body).toBe(201)
    changes.push('media.create')
    const media = up.json<{ id: string, approval: { state: string }, areaId: string }>()
    expect(media).toMatchObject({ approval: { state: 'pending' }, areaId: ids.communeA })
    ids.media = media.id
    const play = await op.call('POST', '/api/v1/broadcasts', { mediaId: media.id, zones: [ids.zoneA] })
    expect(play.json()).toMatchObject({ statusCode: 409, code: 'MEDIA_NOT_APPROVED' })
    // The emergency button does not wait for approval; the audit says it was not approved.
    const warning = await op.call('POST', '/api/v1/emergency', { mediaId: media.id, chime: false, repeat: 1 })
    expect(warning.statusCode, warning.body).toBe(201)
    changes.push('emergency.start')
    const schedule = { name: 'Bản tin sáng', playlist: [media.id], targets: { zones: [ids.zoneA], nodes: [] }, recurrence: { kind: 'weekly', days: [1, 2, 3, 4, 5, 6], times: ['05:00', '17:00'] } }
    expect((await op.call('POST', '/api/v1/schedules', schedule)).json()).toMatchObject({ code: 'MEDIA_NOT_APPROVED' })
    expect((await op.call('POST', `/api/v1/media/${media.id}/approve`, {})).json()).toMatchObject({ code: 'FORBIDDEN' })
    // The other commune's approver would not even find it; this commune's does.
    const approver = await login(c, 'duyet-a')
    const ok = await approver.call('POST', `/api/v1/media/${media.id}/approve`, { note: 'Đã nghe, đúng nội dung' })
    expect(ok.json()).toMatchObject({ approval: { state: 'approved', by: 'duyet-a' } })
    changes.push('media.approve')
    const saved = await op.call('POST', '/api/v1/schedules', schedule)
    expect(saved.statusCode, saved.body).toBe(201)
    changes.push('schedule.create')
    const played = await op.call('POST', '/api/v1/broadcasts', { mediaId: media.id, zones: [ids.zoneA] })
    expect(played.statusCode, played.body).toBe(201)
    changes.push('broadcast.start')
    // An operator of the other commune cannot use it on their own zones either: it is not theirs.
    const b = await login(c, 'vanhanh-b')
    expect((await b.call('POST', '/api/v1/broadcasts', { mediaId: media.id, zones: [ids.zoneB] })).json()).toMatchObject({ code: 'MEDIA_NOT_FOUND' })
    // Relaying an outside stream is content nobody approved: not an operator's to do.
    expect((await op.call('POST', '/api/v1/relay', { url: 'http://radio.example.vn/vov1.mp3', durationS: 60, zones: [ids.zoneA] })).json()).toMatchObject({ code: 'FORBIDDEN' })
    expect((await b.call('POST', '/api/v1/broadcasts', { mediaId: media.id, zones: [ids.zoneA] })).json()).toMatchObject({ code: 'ZONE_NOT_FOUND' })
    expect((await b.call('GET', '/api/v1/schedules')).json<{ items: unknown[] }>().items).toHaveLength(0)
  })

  it('limits failed logins per username and address, with Retry-After, even in a parallel burst, without locking out the real user', async () => {
    const attacker = '10.9.9.9'
    const burst = await Promise.all(Array.from({ length: 12 }, async (_, i) => await c.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'xem-a', password: `sai-${i}-mat-khau` }, remoteAddress: attacker })))
    // At most five guesses were checked; the rest were refused before any password was hashed.
    expect(burst.filter(r => r.json<{ code: string }>().code === 'LOGIN_FAILED').length).toBeLessThanOrEqual(5)
    expect(burst.filter(r => r.statusCode === 429).length).toBeGreaterThanOrEqual(7)
    // Guessing on, one at a time, reaches the limit of five.
    for (let i = 0; i < 5; i++) await c.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'xem-a', password: `lan-nua-${i}-sai` }, remoteAddress: attacker })
    const locked = await c.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'xem-a', password: PASSWORD }, remoteAddress: attacker })
    expect(locked.statusCode).toBe(429)
    expect(locked.json()).toMatchObject({ code: 'LOGIN_RATE_LIMITED' })
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0)
    // The clerk, from the office's own machine, still signs in: a stranger cannot lock them out.
    const clerk = await c.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'xem-a', password: PASSWORD }, remoteAddress: '192.168.1.20' })
    expect(clerk.statusCode).toBe(200)
    // An unknown user gets the same answer as a wrong password.
    const unknown = await c.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'khong-co', password: PASSWORD } })
    expect(unknown.json()).toMatchObject({ code: 'LOGIN_FAILED' })
    expect((await login(c, 'duyet-a')).cookie).not.toBe('')
  })

  it('lets a commune use the province\'s bulletin but not approve, reject or delete it', async () => {
    const up = await upload(c, 'canh-bao-tinh.wav', clip)
    expect(up.statusCode, up.body).toBe(201)
    const provinceItem = up.json<Id>().id
    await c.app.inject({ method: 'POST', url: `/api/v1/media/${provinceItem}/reject`, headers: { authorization: `Bearer ${c.token}` }, payload: {} })
    changes.push('media.create', 'media.reject')
    const approver = await login(c, 'duyet-a')
    for (const [method, url] of [['POST', `/api/v1/media/${provinceItem}/approve`], ['DELETE', `/api/v1/media/${provinceItem}`]] as const) {
      expect((await approver.call(method, url, method === 'POST' ? {} : undefined)).json(), url).toMatchObject({ code: 'MEDIA_NOT_FOUND' })
    }
  })

  it('keeps an area admin from managing another admin of the same area', async () => {
    const r = await admin.call('POST', '/api/v1/users', { username: 'qt-xa-a', displayName: 'QT xã A', role: 'admin', areaId: ids.communeA, password: PASSWORD })
    expect(r.statusCode, r.body).toBe(201)
    changes.push('user.create')
    const r2 = await admin.call('POST', '/api/v1/users', { username: 'qt-xa-a2', displayName: 'QT xã A 2', role: 'admin', areaId: ids.communeA, password: PASSWORD })
    changes.push('user.create')
    const communeAdmin = await login(c, 'qt-xa-a')
    expect((await communeAdmin.call('PATCH', `/api/v1/users/${r2.json<Id>().id}`, { role: 'viewer' })).json()).toMatchObject({ code: 'FORBIDDEN' })
    expect((await communeAdmin.call('PATCH', `/api/v1/users/${r.json<Id>().id}`, { password: 'Mat-khau-moi-2027' })).json()).toMatchObject({ code: 'USER_SELF' })
    // Below them is theirs to manage.
    const viewer = (await communeAdmin.call('GET', '/api/v1/users')).json<{ items: Array<{ id: string, username: string }> }>().items.find(u => u.username === 'xem-a')
    expect((await communeAdmin.call('PATCH', `/api/v1/users/${viewer?.id ?? ''}`, { displayName: 'Người xem xã A' })).statusCode).toBe(200)
    changes.push('user.update')
  })

  it('pushes live status to a signed-in page, only of its area, and closes the stream once the user signs out', async () => {
    await c.app.listen({ host: '127.0.0.1', port: 0 })
    const port = (c.app.server.address() as AddressInfo).port
    const viewer = await login(c, 'duyet-a')
    const events: string[] = []
    const ended = new Promise<void>((resolve, reject) => {
      const req = get({ host: '127.0.0.1', port, path: '/api/v1/events', headers: { cookie: `loa_session=${viewer.cookie}` } }, res => {
        expect(res.headers['content-type']).toMatch(/text\/event-stream/)
        res.setEncoding('utf8')
        res.on('data', (d: string) => events.push(d))
        res.on('end', () => resolve())
      })
      req.on('error', reject)
    })
    await waitFor(() => events.some(e => e.includes('event: hello')) ? true : undefined, 5000, 'the hello event')
    // A broadcast in the other commune is not told; one in their own is.
    const approved = (await admin.call('GET', '/api/v1/media?approval=approved')).json<{ items: Id[] }>().items[0]?.id ?? ''
    await admin.call('POST', '/api/v1/broadcasts', { mediaId: approved, zones: [ids.zoneB] })
    await admin.call('POST', '/api/v1/broadcasts', { mediaId: approved, zones: [ids.zoneA] })
    changes.push('broadcast.start', 'broadcast.start')
    await waitFor(() => events.some(e => e.includes(ids.zoneA ?? '-')) ? true : undefined, 5000, 'the broadcast event')
    expect(events.join('')).not.toContain(ids.zoneB)
    await viewer.call('POST', '/api/v1/auth/logout')
    // The next event finds the session gone and closes the stream instead of sending it.
    await admin.call('POST', '/api/v1/broadcasts', { mediaId: approved, zones: [ids.zoneA] })
    changes.push('broadcast.start')
    await ended
  })

  it('ends the sessions of a user who is disabled', async () => {
    const b = await login(c, 'vanhanh-b')
    expect((await b.call('GET', '/api/v1/zones')).statusCode).toBe(200)
    const users = (await admin.call('GET', '/api/v1/users')).json<{ items: Array<{ id: string, username: string }> }>().items
    const target = users.find(u => u.username === 'vanhanh-b')?.id ?? ''
    expect((await admin.call('PATCH', `/api/v1/users/${target}`, { disabled: true })).statusCode).toBe(200)
    changes.push('user.update')
    expect((await b.call('GET', '/api/v1/zones')).json()).toMatchObject({ code: 'AUTH_REQUIRED' })
    expect((await admin.call('PATCH', `/api/v1/users/${users.find(u => u.username === 'quantri')?.id ?? ''}`, { disabled: true })).json()).toMatchObject({ code: 'USER_SELF' })
  })

  it('records every change in the audit log: who, when, what, before and after, and shows a commune only its own', async () => {
    const log = (await admin.call('GET', '/api/v1/audit?limit=1000')).json<{ items: Array<{ action: string, actor: { name: string }, at: string, before: unknown, after: unknown, target: { id: string } | null }> }>().items
    const counts = new Map<string, number>()
    for (const e of log) counts.set(e.action, (counts.get(e.action) ?? 0) + 1)
    const wanted = new Map<string, number>()
    for (const a of changes) wanted.set(a, (wanted.get(a) ?? 0) + 1)
    for (const [action, n] of wanted) expect(counts.get(action) ?? 0, action).toBeGreaterThanOrEqual(n)
    const approve = log.find(e => e.action === 'media.approve')
    expect(approve).toMatchObject({ actor: { name: 'duyet-a' }, target: { id: ids.media }, before: { approval: { state: 'pending' } }, after: { approval: { state: 'approved' } } })
    expect(Date.parse(approve?.at ?? '')).toBeGreaterThan(Date.now() - 60_000)
    expect(log.some(e => e.action === 'user.login_failed' && e.actor.name === 'xem-a')).toBe(true)
    expect(log.find(e => e.action === 'emergency.start')).toMatchObject({ actor: { name: 'vanhanh-a' }, after: { mediaId: ids.media, approved: false } })
    // No secret reaches the log.
    expect(JSON.stringify(log)).not.toMatch(/scrypt\$|sha256:/)
    // Filter by action prefix, and by actor.
    const mediaOnly = (await admin.call('GET', '/api/v1/audit?action=media.')).json<{ items: Array<{ action: string }> }>().items
    expect(mediaOnly.length).toBeGreaterThanOrEqual(2)
    expect(mediaOnly.every(e => e.action.startsWith('media.'))).toBe(true)
    // An approver of commune A sees commune A's entries, not commune B's zone.
    const approver = await login(c, 'duyet-a')
    const theirs = (await approver.call('GET', '/api/v1/audit?limit=1000')).json<{ items: Array<{ target: { id: string } | null }> }>().items
    expect(theirs.some(e => e.target?.id === ids.media)).toBe(true)
    expect(theirs.some(e => e.target?.id === ids.zoneB)).toBe(false)
  })
})
