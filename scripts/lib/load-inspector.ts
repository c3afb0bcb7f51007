// Samples the Worker isolate's JS heap through wrangler's inspector proxy (Chrome DevTools Protocol over WebSocket).
// A minimal RFC 6455 client on node:http, because Node 20 has no WebSocket without a flag and `ws` is not our dependency.
import { randomBytes } from 'node:crypto'
import { request } from 'node:http'
import type { Socket } from 'node:net'

/** `Runtime.getHeapUsage`: bytes used and allocated by the isolate's V8 heap. */
export interface HeapUsage {
  usedSize: number
  totalSize: number
}

interface Pending {
  resolve: (result: unknown) => void
  reject: (error: Error) => void
}

// RFC 6455 section 5.2 opcodes.
const OP_CONTINUATION = 0x0
const OP_TEXT = 0x1
const OP_CLOSE = 0x8
const OP_PING = 0x9
const OP_PONG = 0xa

/** One DevTools session: `call(method)` sends a command and resolves with its result. */
export class InspectorSession {
  private nextId = 1
  private readonly pending = new Map<number, Pending>()
  private buffer = Buffer.alloc(0)
  private fragments: Buffer[] = []
  private closed = false

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk))
    const fail = (): void => {
      this.closed = true
      for (const p of this.pending.values()) p.reject(new Error('inspector: connection closed'))
      this.pending.clear()
    }
    socket.on('close', fail)
    socket.on('error', fail)
  }

  /** Opens `ws://host:port/path` (the `webSocketDebuggerUrl` of the inspector's /json list). */
  static connect(url: string, timeoutMs = 5_000): Promise<InspectorSession> {
    const target = new URL(url)
    return new Promise((resolve, reject) => {
      const req = request({
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': randomBytes(16).toString('base64') },
        timeout: timeoutMs,
      })
      req.on('upgrade', (_res, socket, head) => {
        const session = new InspectorSession(socket)
        if (head.length > 0) session.receive(head)
        resolve(session)
      })
      req.on('response', (res) => {
        res.resume()
        reject(new Error(`inspector: ${url} answered ${res.statusCode} instead of switching protocols`))
      })
      req.on('timeout', () => req.destroy(new Error(`inspector: no answer from ${url} within ${timeoutMs} ms`)))
      req.on('error', reject)
      req.end()
    })
  }

  /** Sends one command; rejects after `timeoutMs` or when the connection closes. */
  call(method: string, params: Record<string, unknown> = {}, timeoutMs = 5_000): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error('inspector: connection closed'))
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(new Error(`inspector: ${method} timed out after ${timeoutMs} ms`))
      }, timeoutMs)
      this.pending.set(id, {
        resolve: (r) => (clearTimeout(timer), resolve(r)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      })
      this.send(OP_TEXT, Buffer.from(JSON.stringify({ id, method, params })))
    })
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    try {
      this.send(OP_CLOSE, Buffer.alloc(0))
    } catch {
      // Already gone.
    }
    this.socket.destroy()
  }

  /** Client frames are always masked (RFC 6455 section 5.3). */
  private send(opcode: number, payload: Buffer): void {
    const mask = randomBytes(4)
    const length = payload.length
    const header = length < 126 ? Buffer.alloc(2) : length < 65_536 ? Buffer.alloc(4) : Buffer.alloc(10)
    header[0] = 0x80 | opcode
    if (length < 126) header[1] = 0x80 | length
    else if (length < 65_536) {
      header[1] = 0x80 | 126
      header.writeUInt16BE(length, 2)
    } else {
      header[1] = 0x80 | 127
      header.writeBigUInt64BE(BigInt(length), 2)
    }
    const masked = Buffer.alloc(length)
    for (let i = 0; i < length; i++) masked[i] = (payload[i] ?? 0) ^ (mask[i % 4] ?? 0)
    this.socket.write(Buffer.concat([header, mask, masked]))
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk])
    for (;;) {
      if (this.buffer.length < 2) return
      const first = this.buffer[0] ?? 0
      const second = this.buffer[1] ?? 0
      let length = second & 0x7f
      let offset = 2
      if (length === 126) {
        if (this.buffer.length < 4) return
        length = this.buffer.readUInt16BE(2)
        offset = 4
      } else if (length === 127) {
        if (this.buffer.length < 10) return
        length = Number(this.buffer.readBigUInt64BE(2))
        offset = 10
      }
      const masked = (second & 0x80) !== 0
      const maskAt = offset
      if (masked) offset += 4
      if (this.buffer.length < offset + length) return
      let payload = this.buffer.subarray(offset, offset + length)
      if (masked) {
        const mask = this.buffer.subarray(maskAt, maskAt + 4)
        payload = Buffer.from(payload.map((b, i) => b ^ (mask[i % 4] ?? 0)))
      }
      this.buffer = this.buffer.subarray(offset + length)
      this.frame(first & 0x0f, (first & 0x80) !== 0, Buffer.from(payload))
    }
  }

  private frame(opcode: number, fin: boolean, payload: Buffer): void {
    if (opcode === OP_PING) return this.send(OP_PONG, payload)
    if (opcode === OP_CLOSE) return this.close()
    if (opcode !== OP_TEXT && opcode !== OP_CONTINUATION) return
    this.fragments.push(payload)
    if (!fin) return
    const text = Buffer.concat(this.fragments).toString('utf8')
    this.fragments = []
    let message: { id?: number; result?: unknown; error?: { message?: string } }
    try {
      message = JSON.parse(text) as typeof message
    } catch {
      return
    }
    if (message.id === undefined) return // an event
    const pending = this.pending.get(message.id)
    if (!pending) return
    this.pending.delete(message.id)
    if (message.error) pending.reject(new Error(`inspector: ${message.error.message ?? 'error'}`))
    else pending.resolve(message.result)
  }
}

/** The `webSocketDebuggerUrl` of the first target listed by the inspector on `port`, or null when there is none. */
export async function inspectorTarget(port: number): Promise<string | null> {
  const response = await fetch(`http://127.0.0.1:${port}/json`, { signal: AbortSignal.timeout(5_000) })
  const targets = (await response.json()) as { webSocketDebuggerUrl?: string }[]
  return targets.find((t) => typeof t.webSocketDebuggerUrl === 'string')?.webSocketDebuggerUrl ?? null
}

export async function heapUsage(session: InspectorSession): Promise<HeapUsage> {
  const result = (await session.call('Runtime.getHeapUsage')) as Partial<HeapUsage>
  if (typeof result.usedSize !== 'number' || typeof result.totalSize !== 'number') {
    throw new Error(`inspector: unexpected Runtime.getHeapUsage result ${JSON.stringify(result)}`)
  }
  return { usedSize: result.usedSize, totalSize: result.totalSize }
}

/** Samples the heap every `intervalMs` until `stop()`; resolves with the largest used and allocated sizes seen. */
export function sampleHeap(session: InspectorSession, intervalMs: number): { stop: () => Promise<{ maxUsed: number; maxTotal: number; samples: number; error: string | null }> } {
  let running = true
  let maxUsed = 0
  let maxTotal = 0
  let samples = 0
  let error: string | null = null
  const loop = (async () => {
    while (running) {
      try {
        const usage = await heapUsage(session)
        samples++
        maxUsed = Math.max(maxUsed, usage.usedSize)
        maxTotal = Math.max(maxTotal, usage.totalSize)
      } catch (e) {
        error = (e as Error).message
        return
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs))
    }
  })()
  return {
    async stop() {
      running = false
      await loop
      return { maxUsed, maxTotal, samples, error }
    },
  }
}
