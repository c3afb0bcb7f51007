// Finds a free TCP port on the loopback interface.
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'

/**
 * Asks the kernel for a free port by listening on port 0, then releases it. Another process could
 * take it before the caller binds it; on a developer machine or CI runner that race is negligible.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, host, () => {
      const { port } = server.address() as AddressInfo
      server.close(() => resolve(port))
    })
  })
}
