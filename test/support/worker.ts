// Drives the real Worker entry points inside workerd: HTTP through the default export, ticks through `scheduled`.
import { env, exports } from 'cloudflare:workers'
import { createScheduledController } from 'cloudflare:test'
import worker from '../../src/index'

export const TOKEN = 'test-token'
export const CRON = '*/5 * * * *'

/** Calls the API as a newsroom client would, with the test token unless `token: null`. */
export async function api(path: string, init: RequestInit & { token?: string | null; json?: unknown } = {}): Promise<Response> {
  const headers = new Headers(init.headers)
  const token = init.token === undefined ? TOKEN : init.token
  if (token !== null) headers.set('authorization', `Bearer ${token}`)
  let body = init.body
  if (init.json !== undefined) {
    headers.set('content-type', 'application/json')
    body = JSON.stringify(init.json)
  }
  return exports.default.fetch(new Request(`https://storywatch.test${path}`, { ...init, headers, body }))
}

/** Runs one cron tick through the scheduled handler at `scheduledTime`, optionally with a wrapped env. */
export async function tick(scheduledTime: number, envOverride?: Partial<Env>): Promise<void> {
  const controller = createScheduledController({ scheduledTime, cron: CRON })
  await worker.scheduled(controller, { ...env, ...envOverride })
}

export async function json<T>(response: Response): Promise<T> {
  return (await response.json()) as T
}

/** Adds a feed through the API and returns its id (fails the test on anything but 201). */
export async function addFeed(url: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await api('/api/feeds', { method: 'POST', json: { url, ...extra } })
  if (res.status !== 201) throw new Error(`addFeed ${url}: ${res.status} ${await res.text()}`)
  return (await json<{ id: string }>(res)).id
}

export { env }
