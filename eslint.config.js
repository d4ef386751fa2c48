// Lint rules, including the layering rules of docs/architecture (only electron/main imports 'electron';
// nothing imports the renderer; the renderer imports the IPC contract as types only).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const rendererImport = { group: ['**/renderer/**', 'renderer/**'], message: 'Nothing imports from renderer/.' };

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'db/migrations/**', 'coverage/**', '.data/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error', { selector: 'TSEnumDeclaration', message: 'Use a string-literal union.' }],
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: "Only electron/main may import 'electron'." }], patterns: [rendererImport] },
      ],
    },
  },
  {
    files: ['electron/main/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [rendererImport] }] },
  },
  {
    // The sandboxed preload needs contextBridge/ipcRenderer from 'electron' and may load nothing at run
    // time but operations.ts (it is bundled to one CommonJS file; contract.ts would pull in zod).
    files: ['electron/preload/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            rendererImport,
            { group: ['**/main/**', '../main/*'], message: 'The preload cannot load main-process code.' },
            { group: ['**/ipc/*', '!**/ipc/operations*', '!**/ipc/contract*'], message: 'The sandboxed preload bundles only operations.ts (contract.ts as types).' },
            { group: ['**/ipc/contract*'], message: 'contract.ts pulls in zod; import its types only.', allowTypeImports: true },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**', 'sync-server/console/web/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: "Only electron/main may import 'electron'." }],
          patterns: [
            { group: ['**/electron/**', '!**/electron/ipc', '**/electron/ipc/*', '!**/electron/ipc/contract*', '!**/electron/ipc/operations*'], message: 'The renderer sees only the IPC contract.' },
            { group: ['**/sync-server/**', '**/db/**', '**/models/**'], message: 'The renderer talks to the main process through the IPC contract only.', allowTypeImports: true },
          ],
        },
      ],
    },
  },
);
