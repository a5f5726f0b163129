import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      '.stack/',
      'reports/',
      'libs/events/src/generated/',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read configuration through loadConfig() in libs/config only.',
        },
      ],
    },
  },
  {
    // Process plumbing (child environments) and tests that start processes with their own env.
    files: [
      'libs/config/src/config.ts',
      'tools/stack/src/stack-config.ts',
      'tools/stack/src/processes.ts',
      'tools/stack/src/installers.ts',
      'tools/stack/src/test-stack.ts',
      'bench/lib/app-process.ts',
      'test/harness/restart-under-load.ts',
      'test/local-environment.ts',
      'test/harness/gateway.ts',
      '**/*.spec.ts',
    ],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // A promise nobody awaits or catches becomes an unhandled rejection, which ends the process.
    // Type-aware, so apps/ and libs/ only.
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: { '@typescript-eslint/no-floating-promises': 'error' },
  },
  {
    // On the edge one client's input must never end the process: `void` is no handling there.
    files: ['apps/gateway/**/*.ts', 'apps/command-api/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: { '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: false }] },
  },
);
