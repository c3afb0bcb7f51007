// Starts `wrangler dev` as a child process and waits until the Worker answers HTTP.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

/** Defaults for a `wrangler dev` run; any flag the caller also passes in `extraArgs` wins. */
export interface WranglerDevOptions {
  port: number
  ip: string
  persistTo: string
  extraArgs: readonly string[]
}

/** Builds the argument list for `wrangler dev`, letting flags in `extraArgs` override the defaults. */
export function wranglerDevArgs(options: WranglerDevOptions): string[] {
  const defaults: [string, string][] = [
    ['--port', String(options.port)],
    ['--ip', options.ip],
    ['--persist-to', options.persistTo],
  ]
  const args = ['dev']
  for (const [flag, value] of defaults) {
    if (flagValue(options.extraArgs, flag) === undefined) args.push(flag, value)
  }
  if (!options.extraArgs.includes('--test-scheduled')) args.push('--test-scheduled')
  return [...args, ...options.extraArgs]
}

/** The value of `--flag value` or `--flag=value` in `args` (the last one wins, as in yargs). */
export function flagValue(args: readonly string[], flag: string): string | undefined {
  let value: string | undefined
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (arg === flag) value = args[i + 1]
    else if (arg?.startsWith(`${flag}=`)) value = arg.slice(flag.length + 1)
  }
  return value
}

/** Path of the project's own wrangler binary (no `npx` resolution step, no surprise downloads). */
export function wranglerBin(root: string): string {
  return join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'wrangler.cmd' : 'wrangler')
}

/** Spawns wrangler with telemetry off unless the developer chose otherwise. */
export function spawnWrangler(
  root: string,
  args: readonly string[],
  options: { stdio: StdioOptions; detached: boolean; env?: Record<string, string> },
): ChildProcess {
  return spawn(wranglerBin(root), args, {
    cwd: root,
    stdio: options.stdio,
    detached: options.detached,
    env: { WRANGLER_SEND_METRICS: 'false', ...process.env, ...options.env },
  })
}

/**
 * Polls `url` until it answers with any HTTP status. Rejects when `timeoutMs` passes or
 * `stillRunning()` turns false (the server died, so waiting longer is pointless).
 */
export async function waitForHttp(
  url: string,
  options: { timeoutMs: number; stillRunning: () => boolean; fetch?: typeof fetch; intervalMs?: number },
): Promise<void> {
  const fetchFn = options.fetch ?? fetch
  const deadline = Date.now() + options.timeoutMs
  for (;;) {
    if (!options.stillRunning()) throw new Error(`wrangler exited before ${url} answered`)
    try {
      const response = await fetchFn(url, { signal: AbortSignal.timeout(2_000) })
      await response.body?.cancel()
      return
    } catch {
      // Not listening yet: wrangler binds the port only after bundling and starting workerd.
    }
    if (Date.now() >= deadline) {
      throw new Error(`no answer from ${url} within ${Math.round(options.timeoutMs / 1000)} s`)
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 250))
  }
}

/**
 * Stops a child spawned with `detached: true` together with everything it started (wrangler runs
 * workerd as its own child): SIGTERM to the process group, SIGKILL after `graceMs`.
 */
export async function stopProcessGroup(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  signalGroup(child, 'SIGTERM')
  const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref())
  if ((await Promise.race([exited, timer])) === 'timeout') {
    signalGroup(child, 'SIGKILL')
    await exited
  }
  // wrangler may exit before workerd does; make sure nothing of the group survives.
  signalGroup(child, 'SIGKILL')
}

/** Sends `signal` to the child's process group; a group that is already gone is not an error. */
export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return
  try {
    process.kill(-child.pid, signal)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error
  }
}

/** How to start a throwaway Worker for the demo and the browser test. */
export interface LocalWorkerOptions {
  root: string
  stateDir: string
  /** `--var NAME:VALUE` overrides. */
  vars: Record<string, string>
  /** Where a stopper is registered so every exit path stops wrangler and workerd. */
  cleanup: { add(label: string, stop: () => Promise<void>, kill: () => void): void }
  /** Every line wrangler prints (ANSI colours stripped), e.g. to keep the last ones for an error report. */
  onLine: (line: string) => void
  readyPath: string
  readyTimeoutMs: number
  /** False once the caller is shutting down, so waiting for start-up stops. */
  stillWanted?: () => boolean
}

function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '')
}

/**
 * Starts `wrangler dev --test-scheduled`-style local Worker on free ports in its own process group and resolves with
 * its URL once it answers. Rejects early when wrangler cannot start or cannot build the Worker (wrangler dev would
 * otherwise sit waiting for a fix until the timeout).
 */
export async function startLocalWorker(options: LocalWorkerOptions, freePort: () => Promise<number>): Promise<string> {
  const port = await freePort()
  const inspectorPort = await freePort()
  const args = wranglerDevArgs({
    port,
    ip: '127.0.0.1',
    persistTo: options.stateDir,
    extraArgs: [
      '--inspector-port', String(inspectorPort),
      '--show-interactive-dev-session=false',
      ...Object.entries(options.vars).flatMap(([name, value]) => ['--var', `${name}:${value}`]),
    ],
  })
  // Its own process group: wrangler and the workerd it starts stop together, and Ctrl-C reaches only the caller.
  const wrangler = spawnWrangler(options.root, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { FORCE_COLOR: '0' } })
  options.cleanup.add('wrangler dev', () => stopProcessGroup(wrangler, 5_000), () => signalGroup(wrangler, 'SIGKILL'))
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
      options.onLine(line)
      if (/\[ERROR\].*Build failed/.test(line)) {
        // The error details follow the headline line; give them a moment to arrive before reporting.
        setTimeout(() => failStart(new Error('wrangler dev could not build the Worker (see its output below)')), 500)
      }
    })
  }
  const url = `http://127.0.0.1:${port}`
  const stillWanted = options.stillWanted ?? (() => true)
  await Promise.race([startFailed, waitForHttp(`${url}${options.readyPath}`, { timeoutMs: options.readyTimeoutMs, stillRunning: () => !exited && stillWanted() })])
  return url
}
