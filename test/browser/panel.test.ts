import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { SimNode, silentLog } from '../../device-sim/index.js'
import { startController, waitFor, type TestController } from '../helpers/controller.js'
import { PASSWORD, setupAdmin, type Browser as ApiBrowser } from '../helpers/accounts.js'
import { ffmpeg, tempDir } from '../helpers/audio-fixtures.js'
import { launch, open, phone, serve, shot, signIn } from '../helpers/browser.js'

interface Id { id: string }

/**
 * The panel in a real Chromium (Debian's), at phone width, in Vietnamese, against a real controller with
 * simulated speakers: the walk-through, from login to a Monday-Saturday programme, plus live status
 * and what one commune may not see of another. Screenshots of the main pages go to test-artifacts/screenshots.
 */
describe('the panel in a browser, at 360 px, in Vietnamese', () => {
  let c: TestController
  let base: string
  let browser: Browser
  let admin: ApiBrowser
  let tmp: { dir: string, remove: () => Promise<void> }
  const ids: Record<string, string> = {}
  const sims: SimNode[] = []
  let clip: string

  beforeAll(async () => {
    tmp = await tempDir()
    // Real quiet hours (21:30-05:00), as a commune has them: the 04:00 time must be refused.
    c = await startController({ quietStart: '21:30', quietEnd: '05:00', reportGraceMs: 500 })
    base = await serve(c)
    admin = await setupAdmin(c)
    const area = async (name: string, kind: string, parentId: string | null): Promise<string> =>
      (await admin.call('POST', '/api/v1/areas', { name, kind, parentId })).json<Id>().id
    ids.province = await area('Tỉnh Hà Nam', 'province', null)
    ids.district = await area('Huyện Lý Nhân', 'district', ids.province)
    ids.communeA = await area('Xã Nhân Thịnh', 'commune', ids.district)
    ids.communeB = await area('Xã Nhân Mỹ', 'commune', ids.district)
    for (const [key, areaId, n] of [['A', ids.communeA, 3], ['B', ids.communeB, 1]] as const) {
      const zone = (await admin.call('POST', '/api/v1/zones', { name: `Thôn Đông ${key}`, areaId })).json<Id>().id
      ids[`zone${key}`] = zone
      for (let i = 1; i <= n; i++) {
        const r = (await admin.call('POST', '/api/v1/nodes', { name: `Loa ${key}${i}`, zoneId: zone, location: { lat: 20.6 + i / 100, lon: 106.0 + i / 100 } }))
          .json<{ node: Id, credentials: { username: string, password: string } }>()
        ids[`node${key}${i}`] = r.node.id
        const sim = new SimNode({ nodeId: r.credentials.username, password: r.credentials.password, mqttUrl: c.mqttUrl, telemetryIntervalMs: 0, log: silentLog })
        sims.push(sim)
      }
    }
    await Promise.all(sims.map(async s => await s.start()))
    for (const [username, role, areaId] of [['vanhanh', 'operator', ids.communeA], ['duyet', 'approver', ids.communeA], ['vanhanh-b', 'operator', ids.communeB]] as const) {
      const r = await admin.call('POST', '/api/v1/users', { username, displayName: `Cán bộ ${username}`, role, areaId, password: PASSWORD })
      expect(r.statusCode, r.body).toBe(201)
    }
    clip = join(tmp.dir, 'ban-tin-sang.wav')
    await ffmpeg(['-f', 'lavfi', '-i', 'aevalsrc=0.3*sin(2*PI*440*t):s=48000:d=2', clip])
    browser = await launch()
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await Promise.all(sims.map(async s => await s.stop()))
    await c?.close()
    await tmp?.remove()
  })

  async function operator (): Promise<{ page: Page, errors: string[], close: () => Promise<void> }> {
    const { context, page, errors } = await phone(browser, base)
    await signIn(page, 'vanhanh', PASSWORD)
    return { page, errors, close: async () => { await context.close() } }
  }

  it('logs in and shows the dashboard, in Vietnamese, at phone width', async () => {
    const { context, page, errors } = await phone(browser, base)
    await page.goto('/')
    await expect.poll(() => page.url()).toMatch(/#\/login$/)
    await shot(page, '01-dang-nhap')
    // A wrong password is refused with a message a clerk understands.
    await page.getByLabel('Tên đăng nhập').fill('vanhanh')
    await page.getByLabel('Mật khẩu').fill('sai-mat-khau-roi')
    await page.getByRole('button', { name: 'Đăng nhập' }).click()
    await expect.poll(async () => await page.locator('#toast').textContent()).toContain('Sai tên đăng nhập hoặc mật khẩu')
    await signIn(page, 'vanhanh', PASSWORD)
    await expect.poll(async () => await page.locator('h1').textContent()).toBe('Tổng quan')
    await expect.poll(async () => await page.locator('[data-stat="online"] strong').textContent()).toBe('3')
    // Nothing wider than the phone.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360)
    await shot(page, '02-tong-quan')
    expect(errors).toEqual([])
    await context.close()
  })

  it('shows a speaker going offline on the dashboard without a reload', async () => {
    const { page, errors, close } = await operator()
    const row = page.locator(`[data-node="${ids.nodeA3 ?? ''}"]`)
    await expect.poll(async () => await row.getAttribute('data-online')).toBe('true')
    const marker = await page.evaluate('window.marker = 42')
    await sims[2]?.stop()
    await expect.poll(async () => await row.getAttribute('data-online'), { timeout: 10_000 }).toBe('false')
    await expect.poll(async () => await row.textContent()).toContain('Mất kết nối')
    await expect.poll(async () => await page.locator('[data-stat="offline"] strong').textContent()).toBe('1')
    // The same page, not a reload.
    expect(await page.evaluate('window.marker')).toBe(marker)
    await shot(page, '03-loa-mat-ket-noi')
    await sims[2]?.start()
    await expect.poll(async () => await row.getAttribute('data-online'), { timeout: 10_000 }).toBe('true')
    expect(errors).toEqual([])
    await close()
  })

  it('keeps another commune\'s speakers out of sight, in the pages and through the API', async () => {
    const { page, errors, close } = await operator()
    await open(page, 'Cụm loa', 'speakers')
    await expect.poll(async () => await page.locator('#node-list [data-node]').count()).toBe(3)
    expect(await page.locator(`[data-node="${ids.nodeB1 ?? ''}"]`).count()).toBe(0)
    expect(await page.content()).not.toContain('Loa B1')
    // The map draws the three speakers even without internet for its tiles (this machine has none).
    await expect.poll(async () => await page.locator('#node-map path[data-node]').count(), { timeout: 10_000 }).toBe(3)
    await shot(page, '04-cum-loa')
    // The same session, asking the API directly for the other commune's node and zone.
    const answers = await page.evaluate(async ([node, zone]) => {
      const a = await fetch(`/api/v1/nodes/${node}`)
      const b = await fetch('/api/v1/nodes')
      const z = await fetch(`/api/v1/zones/${zone}`)
      return { node: a.status, list: (await b.json() as { items: Array<{ id: string }> }).items.map(n => n.id), zone: z.status }
    }, [ids.nodeB1, ids.zoneB])
    expect(answers.node).toBe(404)
    expect(answers.zone).toBe(404)
    expect(answers.list).not.toContain(ids.nodeB1)
    expect(answers.list).toHaveLength(3)
    expect(errors).toEqual([])
    await close()
  })

  it('uploads a clip that waits for approval, an approver approves it, and it is scheduled Monday to Saturday at 05:00 and 17:00', async () => {
    const op = await operator()
    await open(op.page, 'Thư viện', 'media')
    await op.page.getByLabel('Tệp âm thanh').setInputFiles({ name: 'ban-tin-sang.wav', mimeType: 'audio/wav', buffer: await readFile(clip) })
    await op.page.getByRole('button', { name: 'Tải lên' }).click()
    const item = op.page.locator('[data-media]').filter({ hasText: 'ban-tin-sang' })
    await expect.poll(async () => await item.getAttribute('data-approval'), { timeout: 20_000 }).toBe('pending')
    await expect.poll(async () => await item.textContent()).toContain('Chờ duyệt')
    await shot(op.page, '05-thu-vien-cho-duyet')

    const ap = await phone(browser, base)
    await signIn(ap.page, 'duyet', PASSWORD)
    await open(ap.page, 'Thư viện', 'media')
    const pending = ap.page.locator('[data-media]').filter({ hasText: 'ban-tin-sang' })
    await pending.getByRole('button', { name: 'Duyệt' }).click()
    await expect.poll(async () => await pending.getAttribute('data-approval'), { timeout: 10_000 }).toBe('approved')
    await shot(ap.page, '06-da-duyet')
    expect(ap.errors).toEqual([])
    await ap.context.close()

    await open(op.page, 'Lịch phát', 'schedules')
    await op.page.getByRole('button', { name: /Thêm lịch/ }).click()
    await op.page.getByLabel('Tên lịch').fill('Bản tin sáng chiều')
    await op.page.getByLabel('Nội dung phát').selectOption({ index: 1 })
    await op.page.getByLabel('Thôn Đông A').check()
    for (const d of ['T2', 'T3', 'T4', 'T5', 'T6', 'T7']) await op.page.getByLabel(d, { exact: true }).check()
    const times = op.page.getByLabel('Giờ phát')
    await times.first().fill('05:00')
    await op.page.getByRole('button', { name: 'Thêm giờ' }).click()
    await times.nth(1).fill('17:00')
    await expect.poll(async () => await op.page.locator('form').textContent()).toContain('Thứ 2 – Thứ 7, 05:00 và 17:00')
    const preview = op.page.locator('#preview-times')
    await expect.poll(async () => await preview.locator('li').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(4)
    const shown = await preview.textContent() ?? ''
    expect(shown).toMatch(/05:00/)
    expect(shown).toMatch(/17:00/)
    await shot(op.page, '07-lich-xem-truoc')
    await op.page.getByRole('button', { name: 'Lưu' }).click()
    await expect.poll(async () => await op.page.locator('[data-schedule]').count(), { timeout: 10_000 }).toBe(1)
    await expect.poll(async () => await op.page.locator('[data-schedule]').first().textContent()).toContain('Thứ 2 – Thứ 7, 05:00 và 17:00')
    await shot(op.page, '08-lich-phat')
    expect(op.errors).toEqual([])
    await op.close()
  }, 90_000)

  it('refuses a 04:00 time inside quiet hours, before and at saving', async () => {
    const op = await operator()
    await open(op.page, 'Lịch phát', 'schedules')
    await op.page.getByRole('button', { name: /Thêm lịch/ }).click()
    await op.page.getByLabel('Tên lịch').fill('Quá sớm')
    await op.page.getByLabel('Nội dung phát').selectOption({ index: 1 })
    await op.page.getByLabel('Thôn Đông A').check()
    await op.page.getByLabel('T2', { exact: true }).check()
    await op.page.getByLabel('Giờ phát').first().fill('04:00')
    const warning = op.page.locator('#quiet-warning')
    await expect.poll(async () => await warning.isVisible(), { timeout: 10_000 }).toBe(true)
    expect(await warning.textContent()).toMatch(/yên tĩnh/)
    await op.page.getByRole('button', { name: 'Lưu' }).click()
    await expect.poll(async () => await op.page.locator('#toast').textContent()).toMatch(/giờ yên tĩnh/)
    await shot(op.page, '09-gio-yen-tinh')
    expect(await op.page.locator('[data-schedule]').count()).toBe(1)
    await op.close()
  }, 60_000)

  it('speaks live from the browser\'s microphone to the commune\'s speakers', async () => {
    const op = await operator()
    await open(op.page, 'Phát trực tiếp', 'live')
    await op.page.getByLabel('Thôn Đông A').check()
    await op.page.getByRole('button', { name: 'Bắt đầu phát' }).click()
    const state = op.page.locator('.live-state')
    await expect.poll(async () => await state.getAttribute('data-state'), { timeout: 15_000 }).toBe('on-air')
    await new Promise(resolve => setTimeout(resolve, 1500))
    await shot(op.page, '10-phat-truc-tiep')
    await op.page.getByRole('button', { name: 'Kết thúc' }).click()
    await expect.poll(async () => await state.getAttribute('data-state'), { timeout: 15_000 }).toBe('ended')
    const live = await waitFor(async () => {
      const items = (await admin.call('GET', '/api/v1/broadcasts')).json<{ items: Array<{ source?: { kind: string }, state: string, delivery: Array<{ status: string }> }> }>().items
      return items.find(b => b.source?.kind === 'live' && b.state !== 'playing')
    }, 15_000, 'the live broadcast to end')
    expect(live.state).toBe('completed')
    expect(live.delivery.filter(d => d.status === 'completed')).toHaveLength(3)
    expect(op.errors).toEqual([])
    await op.close()
  }, 60_000)

  it('shows the other main pages without errors, at phone width, for the screenshots', async () => {
    const { context, page, errors } = await phone(browser, base)
    await signIn(page, 'quantri', PASSWORD)
    for (const [name, hash, file] of [
      ['Khu vực', 'zones', '11-khu-vuc'], ['Bản tin', 'broadcasts', '12-ban-tin'], ['Khẩn cấp', 'emergency', '13-khan-cap'],
      ['Báo cáo', 'reports', '14-bao-cao'], ['Người dùng', 'users', '15-nguoi-dung'], ['Nhật ký', 'audit', '16-nhat-ky']
    ] as const) {
      await open(page, name, hash)
      await expect.poll(async () => await page.locator('h1').count()).toBeGreaterThan(0)
      await page.waitForLoadState('networkidle')
      expect(await page.evaluate('document.documentElement.scrollWidth'), hash).toBeLessThanOrEqual(360)
      await shot(page, file)
    }
    // English by the switch.
    await page.locator('#lang').click()
    await expect.poll(async () => await page.locator('h1').first().textContent()).toBe('Audit log')
    expect(errors).toEqual([])
    await context.close()
  }, 60_000)

  it('left an audit entry for every change made through the panel', async () => {
    const log = (await admin.call('GET', '/api/v1/audit?limit=1000')).json<{ items: Array<{ action: string, actor: { name: string }, after: unknown }> }>().items
    const by = (action: string, who: string): number => log.filter(e => e.action === action && e.actor.name === who).length
    expect(by('media.create', 'vanhanh')).toBe(1)
    expect(by('media.approve', 'duyet')).toBe(1)
    expect(by('schedule.create', 'vanhanh')).toBe(1)
    expect(by('user.login', 'vanhanh')).toBeGreaterThanOrEqual(4)
    expect(by('user.login_failed', 'vanhanh')).toBe(1)
    expect(by('live.start', 'vanhanh')).toBe(1)
    // The refused 04:00 schedule changed nothing, so it is not in the log as a change.
    expect(log.filter(e => e.action === 'schedule.create')).toHaveLength(1)
    await waitFor(() => true)
  })
})
