// Where the built pieces live, derived from the main bundle's own location rather than app.getAppPath():
// `electron dist/electron/main/index.js` (npm start) leaves the app path at Electron's default app, while
// the packaged app.asar has the same dist/ layout inside it, so "relative to this file" is right in both.
import path from 'node:path';

export type AppPaths = {
  /** The Vite-built renderer served on app://roi/ (dist/renderer). */
  rendererDir: string;
  /** The preload, bundled to one CommonJS file: sandboxed preloads cannot load ES modules or other files. */
  preloadPath: string;
};

/** `mainFile` is the running main bundle, dist/electron/main/index.js. */
export function resolveAppPaths(mainFile: string): AppPaths {
  const distDir = path.resolve(path.dirname(mainFile), '..', '..');
  return {
    rendererDir: path.join(distDir, 'renderer'),
    preloadPath: path.join(distDir, 'electron', 'preload', 'index.cjs'),
  };
}
