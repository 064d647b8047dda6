import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import type { TestController } from './controller.js'

/** Where browser tests leave screenshots of the main pages (README "Tests"); CI keeps the folder. */
export const SCREENSHOTS = join(process.cwd(), 'test-artifacts', 'screenshots')

/** Debian's Chromium (CI installs the `chromium` package); `npx playwright install` cannot work here. */
export const CHROMIUM = process.env.LOA_CHROMIUM ?? '/usr/bin/chromium'

export async function launch (): Promise<Browser> {
  return await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
      // The live page asks for the microphone: a fake one, granted without a prompt.
      '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'
    ]
  })
}

/** A phone: 360 px wide, Vietnamese, touch. */
export async function phone (browser: Browser, base: string): Promise<{ context: BrowserContext, page: Page, errors: string[] }> {
  const context = await browser.newContext({ baseURL: base, viewport: { width: 360, height: 740 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh', hasTouch: true, isMobile: true, deviceScaleFactor: 1 })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', e => errors.push(e.message))
  page.on('console', m => { if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(m.text()) })
  return { context, page, errors }
}

/** The controller on a real port, for the browser. */
export async function serve (c: TestController): Promise<string> {
  await c.app.listen({ host: '127.0.0.1', port: 0 })
  return `http://127.0.0.1:${(c.app.server.address() as AddressInfo).port}`
}

export async function shot (page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true })
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true })
}

/** Signs in through the login form, as a person would. */
export async function signIn (page: Page, username: string, password: string): Promise<void> {
  await page.goto('/panel/#/login')
  await page.getByLabel('Tên đăng nhập').fill(username)
  await page.getByLabel('Mật khẩu').fill(password)
  await page.getByRole('button', { name: 'Đăng nhập' }).click()
  await page.waitForURL(/#\/$/)
}

/** Opens a page of the panel from its menu (the phone's ☰ first). */
export async function open (page: Page, name: string, hash: string): Promise<void> {
  const toggle = page.locator('#menu-toggle')
  if (await toggle.isVisible()) await toggle.click()
  await page.locator('#nav').getByRole('link', { name }).click()
  await page.waitForURL(new RegExp(`#/${hash}`))
}
