// Starts `wrangler dev` as a child process and waits until the Worker answers HTTP.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process'
import { join } from 'node:path'

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
