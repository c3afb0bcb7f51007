// The one node:crypto function the Worker uses (nodejs_compat provides the module; the runtime types do not declare it).
declare module 'node:crypto' {
  interface Hash {
    update(data: string | Uint8Array): Hash
    digest(encoding: 'hex'): string
  }
  export function createHash(algorithm: 'sha256'): Hash
}
