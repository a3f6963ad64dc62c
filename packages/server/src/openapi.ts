import { buildApp, type AppDependencies } from './app.js';

/**
 * The OpenAPI document, from the same zod schemas that validate requests. Rendering needs the routes, not the
 * services behind them, so the dependencies here refuse to be used.
 */
export async function renderOpenApi(version: string): Promise<string> {
  const refuse = servicelessDependencies('while rendering the OpenAPI document');
  const app = await buildApp({ bodyLimitBytes: 1, logger: false, trustProxy: false, version }, refuse);
  await app.ready();
  const document = app.swagger();
  await app.close();
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Optional services whose routes are registered only when present: present here, so their routes exist. */
const optionalRouteServices: ReadonlySet<PropertyKey> = new Set(['idCards', 'faceIdCompat']);

/**
 * Dependencies that throw on any use: for building the app when only its routes matter. Metrics, the shared
 * limit store and the engine admission are absent: none adds a documented route.
 */
export function servicelessDependencies(when: string): AppDependencies {
  const refuse = (path: string): object =>
    new Proxy(
      {},
      {
        get: (_target, name): object => {
          if (optionalRouteServices.has(name)) return refuse(`${path}.${String(name)}`);
          throw new Error(`${path}.${String(name)} is not available ${when}`);
        },
      },
    );
  return new Proxy({} as AppDependencies, {
    get: (_target, name) => {
      if (name === 'metrics' || name === 'limitStore' || name === 'engineAdmission') return undefined;
      if (optionalRouteServices.has(name)) return refuse(String(name));
      throw new Error(`${String(name)} is not available ${when}`);
    },
  });
}
