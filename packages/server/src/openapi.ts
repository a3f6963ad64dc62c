import { buildApp, type AppDependencies } from './app.js';

/**
 * The OpenAPI document, from the same zod schemas that validate requests. Rendering needs the routes, not the
 * services behind them, so the dependencies here refuse to be used.
 */
export async function renderOpenApi(version: string): Promise<string> {
  const refuse = new Proxy({} as AppDependencies, {
    get: (_target, name) => {
      throw new Error(`${String(name)} is not available while rendering the OpenAPI document`);
    },
  });
  const app = await buildApp({ bodyLimitBytes: 1, logger: false, trustProxy: false, version }, refuse);
  await app.ready();
  const document = app.swagger();
  await app.close();
  return `${JSON.stringify(document, null, 2)}\n`;
}
