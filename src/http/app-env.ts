// Hono environment type shared by the app, its middleware and routes.
export interface AppEnv {
  Bindings: Env
}
