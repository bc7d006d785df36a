import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'dist-h5/', 'coverage/', 'cloudfunctions/*/index.js', 'cloudfunctions/*/node_modules/', '.data/', 'bench/tmp/'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // The core is pure: no I/O, no SDKs, shared by the mini-program and the cloud.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['fs', 'path', 'http', 'better-sqlite3', 'wx-server-sdk', '@tarojs/*', '../server/*', '*/server/*'] }],
    },
  },
  {
    // Pages never reach into server code: they call the cloud through src/services.
    files: ['src/pages/**/*.{ts,tsx}', 'src/merchant/**/*.{ts,tsx}', 'src/components/**/*.{ts,tsx}', 'src/stores/**/*.{ts,tsx}', 'src/services/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['*/server/*', 'better-sqlite3', 'wx-server-sdk', 'zod'] }],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
