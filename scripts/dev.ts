// `npm start`: runs `wrangler dev` and fires the Worker's cron triggers on their schedule, which wrangler dev never does.
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { parseWranglerCrons } from './lib/wrangler-crons.ts'
import { abortableSleep, runTickDriver, validateCron } from './lib/tick-driver.ts'
import { flagValue, spawnWrangler, waitForHttp, wranglerDevArgs } from './lib/wrangler-dev.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const DEFAULT_PORT = 8787
const READY_TIMEOUT_MS = 60_000
// After the warning, keep waiting: wrangler dev rebuilds on save, so a broken build at start-up can still come good.
const LATE_READY_POLL_MS = 2_000
// wrangler tears down workerd and flushes local storage on SIGINT; past this it is stuck, so kill it.
const STOP_GRACE_MS = 10_000

const extraArgs = process.argv.slice(2)
const crons = parseWranglerCrons(await readFile(new URL('../wrangler.toml', import.meta.url), 'utf8'))
crons.forEach(validateCron)

const args = wranglerDevArgs({ port: DEFAULT_PORT, ip: '127.0.0.1', persistTo: '.wrangler/state', extraArgs })
const port = flagValue(args, '--port') ?? String(DEFAULT_PORT)
const ip = flagValue(args, '--ip') ?? '127.0.0.1'
const host = ip === '0.0.0.0' || ip === '*' ? '127.0.0.1' : ip.includes(':') ? `[${ip}]` : ip
const baseUrl = `http://${host}:${port}/`

// Same process group and inherited stdio: wrangler keeps its interactive hotkeys and sees Ctrl-C from the terminal itself.
const wrangler = spawnWrangler(ROOT, args, { stdio: 'inherit', detached: false })
const driver = new AbortController()
let stopping = false
let exited = false

wrangler.on('error', (error) => {
  console.error(`dev: cannot start wrangler: ${error.message}`)
  process.exit(1)
})
wrangler.on('exit', (code, signal) => {
  exited = true
  driver.abort()
  process.exit(stopping ? 0 : (code ?? (signal ? 1 : 0)))
})

function stop(signal: NodeJS.Signals): void {
  driver.abort()
  if (stopping) {
    // A second Ctrl-C means "now".
    wrangler.kill('SIGKILL')
    return
  }
  stopping = true
  // On Ctrl-C the terminal has already signalled wrangler (same process group), so give it a moment before
  // forwarding; a signal sent to this process alone (a supervisor's SIGTERM, `kill`) still reaches wrangler.
  setTimeout(() => {
    if (!exited) wrangler.kill(signal)
  }, signal === 'SIGINT' ? 1_000 : 0).unref()
  setTimeout(() => {
    if (!exited) wrangler.kill('SIGKILL')
  }, STOP_GRACE_MS).unref()
}
process.on('SIGINT', () => stop('SIGINT'))
process.on('SIGTERM', () => stop('SIGTERM'))

if (crons.length === 0) {
  console.log('dev: wrangler.toml has no [triggers] crons; not driving scheduled events')
} else {
  const stillRunning = (): boolean => !exited && !stopping
  try {
    await waitForHttp(baseUrl, { timeoutMs: READY_TIMEOUT_MS, stillRunning })
  } catch (error) {
    if (stillRunning()) {
      console.error(
        `dev: ${(error as Error).message}: no cron ticks until it does (look for a build error above; wrangler rebuilds on save)`,
      )
      await waitForHttp(baseUrl, { timeoutMs: Number.POSITIVE_INFINITY, intervalMs: LATE_READY_POLL_MS, stillRunning }).catch(() => undefined)
    }
  }
  if (!stopping && !exited) {
    console.log(`dev: driving cron ${crons.map((c) => `"${c}"`).join(', ')} (UTC) against ${baseUrl}`)
    await runTickDriver({
      baseUrl,
      crons,
      fetch,
      now: Date.now,
      sleep: abortableSleep,
      log: (line) => console.log(line),
      signal: driver.signal,
    })
  }
}
