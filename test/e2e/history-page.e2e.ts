// Browser test: a revised article with a hostile headline under `wrangler dev`, opened in headless Chromium.
import assert from 'node:assert/strict'
import { existsSync, rmSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import { CleanupStack } from '../../scripts/lib/cleanup-stack.ts'
import { ensureDevVars, readDevVar } from '../../scripts/lib/dev-vars.ts'
import { startFixtureServer } from '../../scripts/lib/fixture-server.ts'
import { freePort } from '../../scripts/lib/free-port.ts'
import { StorywatchApi } from '../../scripts/lib/storywatch-api.ts'
import { recentTicks, sendTick } from '../../scripts/lib/tick-driver.ts'
import { startLocalWorker } from '../../scripts/lib/wrangler-dev.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const CHROMIUM = '/usr/bin/chromium'
const SCREENSHOT = join(ROOT, 'test-results', 'history-page.png')
// Matches the */5 cron in wrangler.toml: two consecutive minutes of it find the feed due both times.
const CRON = '*/5 * * * *'
const READY_TIMEOUT_MS = 90_000
// The Worker may finish a tick's bookkeeping after the scheduled request has answered.
const TICK_SETTLE_MS = 30_000
const WRANGLER_LOG_LINES = 80

// Literal text of tags, escaped inside real markup so the feed parser keeps it as text: a headline about HTML.
const HOSTILE_TAG = '<img src=x onerror="window.__pwned=1;alert(1)">'
const HOSTILE_SCRIPT = '<script>window.__pwned=2;alert(2)</script>'
const TITLE_V1 = `${HOSTILE_TAG} Council approves bypass plan`
const TITLE_V2 = `${HOSTILE_TAG} Council delays bypass plan after protest`
const SUMMARY_V1 = `${HOSTILE_SCRIPT} Councillors voted seven to two on Tuesday.`
const SUMMARY_V2 = `${HOSTILE_SCRIPT} Councillors voted five to four on Tuesday night.`
const BODY_V1 = [
  'The county council approved the northern bypass on Tuesday after a four-hour debate.',
  'Residents of Elm Street have campaigned against the route since 2019. They say it will split the village in two.',
  'Work is due to start in the spring and to cost about £48m.',
]
const BODY_V2 = [
  'The county council delayed a vote on the northern bypass on Tuesday after protesters filled the chamber.',
  'Work is due to start in the spring and to cost about £48m.',
  'Residents of Elm Street have campaigned against the route since 2019. They say it will split the village in two.',
]

const skipReason =
  !existsSync(CHROMIUM) && process.env.CI !== 'true'
    ? `SKIPPED: ${CHROMIUM} is missing (apt-get install -y chromium); CI=true makes this a failure instead of a skip`
    : false
if (skipReason) console.warn(`history-page.e2e: ${skipReason}`)

const log = (line: string): void => console.log(`history-page.e2e: ${line}`)
const cleanup = new CleanupStack((line) => console.error(line))
const wranglerLog: string[] = []
process.on('exit', () => cleanup.runAllSync())
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void cleanup.runAll().then(() => process.exit(130))
  })
}

function htmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

function feedXml(baseUrl: string, title: string, summary: string, body: string[]): string {
  const link = `${baseUrl}/story/bypass`
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
  <channel>
    <title>Hostile Gazette</title>
    <link>${baseUrl}/</link>
    <description>A feed whose copy quotes HTML</description>
    <item>
      <title><![CDATA[<span>${htmlText(title)}</span>]]></title>
      <link>${link}</link>
      <guid isPermaLink="true">${link}</guid>
      <description><![CDATA[<p>${htmlText(summary)}</p>]]></description>
      <content:encoded><![CDATA[${body.map((p) => `<p>${htmlText(p)}</p>`).join('\n')}]]></content:encoded>
      <pubDate>Tue, 03 Nov 2026 09:00:00 GMT</pubDate>
    </item>
  </channel>
</rss>`
}

/** Starts `wrangler dev` on free ports with throwaway state and the page vars this test needs; resolves with its URL. */
async function startWorker(stateDir: string): Promise<string> {
  return startLocalWorker(
    {
      root: ROOT,
      stateDir,
      vars: { ALLOW_LOOPBACK_FEEDS: 'true', SEED_DEFAULT_FEEDS: 'false', PUBLIC_HISTORY: 'false', HEARTBEAT_MINUTES: '0' },
      cleanup,
      onLine: (line) => {
        wranglerLog.push(line)
        if (wranglerLog.length > WRANGLER_LOG_LINES) wranglerLog.shift()
      },
      readyPath: '/api/health',
      readyTimeoutMs: READY_TIMEOUT_MS,
    },
    freePort,
  )
}

/** Polls /api/health until `lastTickAt` moves past `previous`. */
async function waitForTick(api: StorywatchApi, previous: string | null): Promise<string | null> {
  const deadline = Date.now() + TICK_SETTLE_MS
  for (;;) {
    const { lastTickAt } = await api.health()
    if (lastTickAt !== null && lastTickAt !== previous) return lastTickAt
    if (Date.now() >= deadline) throw new Error(`no tick recorded within ${TICK_SETTLE_MS / 1000} s`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

async function textsOf(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).allTextContents()).join('|')
}

describe('history page in headless Chromium', { skip: skipReason }, () => {
  let workerUrl = ''
  let token = ''
  let articleId = ''
  let browser: Browser

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: CI must install it (apt-get install -y chromium)`)
    await ensureDevVars(ROOT)
    token = await readDevVar(ROOT, 'API_TOKEN')
    const ticks = recentTicks(CRON, 2, new Date())
    const feeds = await startFixtureServer(2, (stage, baseUrl) =>
      new Map([['hostile.xml', stage === 1 ? feedXml(baseUrl, TITLE_V1, SUMMARY_V1, BODY_V1) : feedXml(baseUrl, TITLE_V2, SUMMARY_V2, BODY_V2)]]),
    )
    cleanup.add('fixture server', () => feeds.close(), () => undefined)
    const stateDir = await mkdtemp(join(tmpdir(), 'storywatch-e2e-'))
    cleanup.add('temporary state', () => rm(stateDir, { recursive: true, force: true }), () => rmSync(stateDir, { recursive: true, force: true }))
    try {
      workerUrl = await startWorker(stateDir)
      const api = new StorywatchApi(workerUrl, token)
      await api.createFeed({ url: `${feeds.baseUrl}/hostile.xml`, title: 'Hostile Gazette', intervalMinutes: 5 })
      let lastTickAt: string | null = null
      for (const [index, tick] of ticks.entries()) {
        feeds.setStage(index + 1)
        const outcome = await sendTick(workerUrl, tick, fetch)
        assert.equal(outcome.kind === 'response' ? outcome.status : outcome.message, 200, `tick ${index + 1}`)
        lastTickAt = await waitForTick(api, lastTickAt)
      }
      const changes = await fetch(`${workerUrl}/api/changes`, { headers: { authorization: `Bearer ${token}` } })
      const items = ((await changes.json()) as { items: { articleId: string; n: number }[] }).items
      assert.equal(items.length, 1, 'exactly one revision after two ticks')
      articleId = items[0]?.articleId ?? ''
      log(`revised article ${articleId} on ${workerUrl}`)
    } catch (error) {
      console.error(`--- last lines of wrangler dev ---\n${wranglerLog.filter((l) => !/^\s+at /.test(l)).join('\n')}\n---`)
      throw error
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync', '--disable-quic'],
    })
    cleanup.add('chromium', () => browser.close(), () => undefined)
  })

  after(async () => {
    await cleanup.runAll()
  })

  it('logs in through the form, shows the diff, runs nothing from the feed and saves a screenshot', async () => {
    const context = await browser.newContext({ viewport: { width: 1000, height: 900 }, javaScriptEnabled: true })
    const page = await context.newPage()
    const dialogs: string[] = []
    const cspViolations: string[] = []
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message())
      void dialog.dismiss()
    })
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text())
    })
    const articleUrl = `${workerUrl}/articles/${articleId}`

    const refused = await page.goto(articleUrl)
    assert.equal(refused?.status(), 401)
    await page.fill('#token', token)
    await Promise.all([page.waitForURL(articleUrl), page.click('form.login button[type=submit]')])
    const cookie = (await context.cookies()).find((c) => c.name === 'storywatch_token')
    assert.ok(cookie, 'the login form sets the cookie')
    assert.equal(cookie.httpOnly, true)
    assert.equal(cookie.sameSite, 'Strict')

    const res = await page.goto(articleUrl)
    assert.equal(res?.status(), 200)
    const headers = res?.headers() ?? {}
    assert.match(headers['content-security-policy'] ?? '', /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'/)
    assert.doesNotMatch(headers['content-security-policy'] ?? '', /script-src/)
    assert.equal(headers['x-content-type-options'], 'nosniff')
    assert.equal(headers['x-frame-options'], 'DENY')

    assert.equal((await page.locator('h1').textContent())?.trim(), TITLE_V2)
    const inserted = await textsOf(page, '#v2 .diff ins')
    const deleted = await textsOf(page, '#v2 .diff del')
    for (const words of ['delays', 'after protest', 'five', 'four', 'night', 'delayed a vote']) assert.ok(inserted.includes(words), `<ins> holds "${words}": ${inserted}`)
    for (const words of ['approves', 'seven', 'two', 'approved']) assert.ok(deleted.includes(words), `<del> holds "${words}": ${deleted}`)
    assert.ok((await textsOf(page, '#v2 .diff mark.moved')).includes('moved up ↑Work is due to start in the spring'), 'the moved sentence is marked as moved up')
    assert.ok(!inserted.includes('Work is due') && !deleted.includes('Work is due'), 'the moved sentence is not shown as deleted and inserted')

    // Nothing from the feed became markup, and nothing ran.
    assert.equal(await page.locator('img, script, iframe, object, embed').count(), 0)
    assert.ok((await page.locator('body').textContent())?.includes(HOSTILE_SCRIPT))
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), undefined)
    assert.deepEqual(dialogs, [])
    // The hashed stylesheet applies (a CSP mismatch would show as a violation and unstyled ins / del).
    assert.deepEqual(cspViolations, [])
    assert.match(await page.locator('#v2 .diff ins').first().evaluate((el) => getComputedStyle(el).textDecorationLine), /underline/)
    assert.match(await page.locator('#v2 .diff del').first().evaluate((el) => getComputedStyle(el).textDecorationLine), /line-through/)

    await mkdir(join(ROOT, 'test-results'), { recursive: true })
    await page.screenshot({ path: SCREENSHOT, fullPage: true })
    log(`screenshot: ${SCREENSHOT}`)
    await context.close()
  })
})
