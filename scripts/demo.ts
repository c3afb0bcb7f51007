// `npm run demo`: an offline end-to-end run of Storywatch against staged fixture feeds; `--exit` makes it a CI check.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { CleanupStack } from './lib/cleanup-stack.ts'
import { checkDemo, summaryLine, type TickObservation } from './lib/demo-checks.ts'
import { loadDemoFixtures, renderFixture } from './lib/demo-fixtures.ts'
import { formatAlert, formatFeedRequests, formatTickCounts } from './lib/demo-report.ts'
import { ensureDevVars, readDevVar } from './lib/dev-vars.ts'
import { startFixtureServer } from './lib/fixture-server.ts'
import { freePort } from './lib/free-port.ts'
import { StorywatchApi, type AlertDto, type ArticleDto, type HealthDto } from './lib/storywatch-api.ts'
import { formatTickLine, recentTicks, sendTick, validateCron } from './lib/tick-driver.ts'
import { parseWranglerCrons } from './lib/wrangler-crons.ts'
import { signalGroup, spawnWrangler, stopProcessGroup, waitForHttp, wranglerDevArgs } from './lib/wrangler-dev.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const READY_TIMEOUT_MS = 60_000
// The Worker may finish a tick's bookkeeping in waitUntil after the scheduled request has answered.
const HEALTH_WAIT_MS = 30_000
// Matches the */5 cron in wrangler.toml, so every replayed tick finds every feed due.
const FEED_INTERVAL_MINUTES = 5
const WRANGLER_LOG_LINES = 80

const { values: flags } = parseArgs({
  options: { exit: { type: 'boolean', default: false }, verbose: { type: 'boolean', default: false } },
})

const log = (line = ''): void => console.log(line)
const cleanup = new CleanupStack((line) => console.error(line))
const wranglerLog: string[] = []
let signalled = false
// Ctrl-C while the servers are up for browsing is the normal end; during the run it is an interruption.
let exitCodeOnSignal = 130

process.on('exit', () => cleanup.runAllSync())
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (signalled) {
      cleanup.runAllSync()
      process.exit(130)
    }
    signalled = true
    log(`\ndemo: ${signal}, stopping`)
    void cleanup.runAll().then(() => process.exit(exitCodeOnSignal))
  })
}
try {
  const ok = await runDemo()
  if (flags.exit) {
    await cleanup.runAll()
    process.exit(ok ? 0 : 1)
  }
  exitCodeOnSignal = ok ? 0 : 1
  log('\ndemo: servers stay up for the URLs above; Ctrl-C stops everything.')
} catch (error) {
  // An interrupted run fails in odd places (a closed socket, a dead child); the signal handler reports and exits.
  if (signalled) await new Promise(() => undefined)
  console.error(`\ndemo: ${(error as Error).message}`)
  if (wranglerLog.length > 0 && !flags.verbose) {
    // Offline, wrangler logs a failed Request.cf download with a stack on every start: noise, not the cause.
    const useful = wranglerLog.filter((line) => !/Request\.cf|getaddrinfo ENOTFOUND|^\s+at /.test(line))
    console.error(`\n--- last lines of wrangler dev ---\n${useful.slice(-50).join('\n')}\n---`)
  }
  await cleanup.runAll()
  process.exit(1)
}

/** Runs the whole scenario and prints it; resolves with whether every expectation of stages.json was met. */
async function runDemo(): Promise<boolean> {
  if ((await ensureDevVars(ROOT)) === 'created') log('demo: created .dev.vars from .dev.vars.example')
  const token = await readDevVar(ROOT, 'API_TOKEN')
  const fixtures = await loadDemoFixtures(join(ROOT, 'fixtures', 'demo'))
  const { manifest } = fixtures
  const crons = parseWranglerCrons(await readFile(join(ROOT, 'wrangler.toml'), 'utf8'))
  const cron = crons[0]
  if (cron === undefined) throw new Error('wrangler.toml has no [triggers] crons to replay')
  validateCron(cron)

  // Replay the last N cron minutes: scheduledTime stays in the past, and each tick is one cron period after the last.
  const ticks = recentTicks(cron, manifest.stages.length, new Date())
  const baseTime = ticks[0]?.at
  if (baseTime === undefined) throw new Error(`cron "${cron}" has no recent run to replay`)

  const feeds = await startFixtureServer(manifest.stages.length, (stage, baseUrl) => {
    const templates = fixtures.stageTemplates[stage - 1] ?? new Map<string, string>()
    return new Map([...templates].map(([file, text]) => [file, renderFixture(text, { baseTime, baseUrl })]))
  })
  cleanup.add('fixture server', () => feeds.close(), () => undefined)
  log(`demo: fixture feeds on ${feeds.baseUrl}`)

  const stateDir = await mkdtemp(join(tmpdir(), 'storywatch-demo-'))
  cleanup.add(
    'temporary state',
    () => rm(stateDir, { recursive: true, force: true }),
    () => rmSync(stateDir, { recursive: true, force: true }),
  )

  const workerUrl = await startWorker(stateDir)
  const api = new StorywatchApi(workerUrl, token)

  log('\ndemo: registering feeds (POST /api/feeds)')
  for (const feed of manifest.feeds) {
    const url = `${feeds.baseUrl}/${feed.file}`
    const created = await api.createFeed({ url, title: feed.title, intervalMinutes: FEED_INTERVAL_MINUTES })
    log(`  201 ${created.id}  ${url}`)
  }
  feeds.takeRequests()

  const observations: TickObservation[] = []
  let lastTickAt = (await api.health()).lastTickAt
  const alertIds = new Set<string>()
  const articleIds = new Set<string>()
  let articles: ArticleDto[] = []
  let alerts: AlertDto[] = []
  for (const [index, stage] of manifest.stages.entries()) {
    const tick = ticks[index]
    if (!tick) break
    feeds.setStage(index + 1)
    log(`\n── tick ${index + 1}/${manifest.stages.length} · stage ${index + 1}: ${stage.name}`)
    const outcome = await sendTick(workerUrl, tick, fetch)
    log(`   ${formatTickLine(tick, outcome, false)}`)
    const health = await waitForNextTick(api, lastTickAt)
    const healthAdvanced = health.lastTickAt !== null && health.lastTickAt !== lastTickAt
    lastTickAt = health.lastTickAt
    ;[alerts, articles] = await Promise.all([api.alerts(), api.articles()])
    const newAlerts = alerts.filter((alert) => !alertIds.has(alert.id)).reverse()
    const newArticles = articles.filter((article) => !articleIds.has(article.id))
    newAlerts.forEach((alert) => alertIds.add(alert.id))
    newArticles.forEach((article) => articleIds.add(article.id))

    log(`   ${formatTickCounts(health.lastTick)}`)
    log(`   fixture server: ${formatFeedRequests(feeds.takeRequests())}`)
    log(`   articles listed: ${articles.length} (+${newArticles.length})`)
    log(newAlerts.length === 0 ? '   alerts: none new' : `   alerts: ${newAlerts.length} new`)
    for (const alert of newAlerts) for (const line of formatAlert(alert)) log(`   ${line}`)
    observations.push({
      tickStatus: outcome.kind === 'response' ? outcome.status : null,
      healthAdvanced,
      counts: health.lastTick,
      newArticles,
      newAlerts,
    })
  }

  printUrls(workerUrl, manifest.feeds.map((feed) => `${feeds.baseUrl}/${feed.file}`), alerts, articles)
  const problems = checkDemo(manifest, observations)
  log()
  for (const problem of problems) log(`demo: ✗ ${problem}`)
  const revisionAlerts = alerts.filter((alert) => alert.type === 'revision').length
  log(summaryLine(manifest.feeds.length, articles.length, revisionAlerts, problems))
  return problems.length === 0
}

/** Starts `wrangler dev` on free ports with throwaway state; resolves with its base URL once it answers. */
async function startWorker(stateDir: string): Promise<string> {
  const port = await freePort()
  const inspectorPort = await freePort()
  const args = wranglerDevArgs({
    port,
    ip: '127.0.0.1',
    persistTo: stateDir,
    extraArgs: [
      '--inspector-port', String(inspectorPort),
      '--show-interactive-dev-session=false',
      '--var', 'ALLOW_LOOPBACK_FEEDS:true',
      '--var', 'SEED_DEFAULT_FEEDS:false',
    ],
  })
  // Its own process group: Ctrl-C reaches only this script, which then stops wrangler and workerd together.
  const wrangler = spawnWrangler(ROOT, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { FORCE_COLOR: '0' } })
  cleanup.add('wrangler dev', () => stopProcessGroup(wrangler, 5_000), () => signalGroup(wrangler, 'SIGKILL'))
  let exited = false
  wrangler.once('exit', () => {
    exited = true
  })
  let failStart: (error: Error) => void = () => undefined
  const startFailed = new Promise<never>((_, reject) => {
    failStart = reject
  })
  // Only the start-up race below listens; a failure reported after start-up must not crash the process.
  startFailed.catch(() => undefined)
  wrangler.once('error', (error) => failStart(new Error(`cannot start wrangler: ${error.message}`)))
  for (const stream of [wrangler.stdout, wrangler.stderr]) {
    if (!stream) continue
    createInterface({ input: stream }).on('line', (raw) => {
      const line = stripAnsi(raw)
      wranglerLog.push(line)
      if (wranglerLog.length > WRANGLER_LOG_LINES) wranglerLog.shift()
      if (flags.verbose) log(`   wrangler │ ${line}`)
      // wrangler dev keeps running after a failed build, waiting for a fix; the demo would only wait out its timeout.
      if (/\[ERROR\].*Build failed/.test(line)) {
        // The error details follow the headline line; give them a moment to arrive before reporting.
        setTimeout(() => failStart(new Error('wrangler dev could not build the Worker (see its output below)')), 500)
      }
    })
  }
  const url = `http://127.0.0.1:${port}`
  log(`demo: starting wrangler dev on ${url} (state in ${stateDir})`)
  const started = Date.now()
  await Promise.race([
    startFailed,
    waitForHttp(`${url}/`, { timeoutMs: READY_TIMEOUT_MS, stillRunning: () => !exited && !signalled }),
  ])
  log(`demo: Worker ready in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  return url
}

function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '')
}

/** Polls /api/health until `lastTickAt` moves past `previous` (or the wait runs out); returns the last answer. */
async function waitForNextTick(api: StorywatchApi, previous: string | null): Promise<HealthDto> {
  const deadline = Date.now() + HEALTH_WAIT_MS
  for (;;) {
    const health = await api.health()
    if ((health.lastTickAt !== null && health.lastTickAt !== previous) || Date.now() >= deadline) return health
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

function printUrls(workerUrl: string, feedUrls: readonly string[], alerts: readonly AlertDto[], articles: readonly ArticleDto[]): void {
  const revised = alerts.find((alert) => alert.type === 'revision')?.articleId ?? articles[0]?.id
  log('\nLook around (the token is API_TOKEN in .dev.vars):')
  log(`  TOKEN=$(sed -n 's/^API_TOKEN=//p' .dev.vars)`)
  log(`  curl -H "Authorization: Bearer $TOKEN" ${workerUrl}/api/alerts`)
  log(`  curl -H "Authorization: Bearer $TOKEN" ${workerUrl}/api/articles`)
  if (revised) log(`  curl -H "Authorization: Bearer $TOKEN" ${workerUrl}/api/articles/${encodeURIComponent(revised)}`)
  log(`  curl -H "Authorization: Bearer $TOKEN" ${workerUrl}/api/health`)
  log(`  fixture feeds (final stage): ${feedUrls.join(' · ')}`)
}
