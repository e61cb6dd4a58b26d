// Lint rules: typescript-eslint's recommended type-aware set over every TypeScript source in the project, and the
// layout's import boundaries (README, "Layout"): each layer imports only what sits below it.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** What no function may import (a later boundary for the same files replaces an earlier one, so it repeats these). */
const outsideFunctions = [
  '**/lib/**',
  '**/local/**',
  '**/catalog/**',
  '**/scripts/**',
  '**/bench/**',
  'aws-cdk-lib',
  'aws-cdk-lib/*',
];

/** Forbids `files` to import what matches `patterns`. */
const boundary = (files, message, patterns) => ({
  files: [files],
  rules: { 'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }] },
});

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.orderflow/', 'coverage/', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },

  boundary(
    'functions/**/*.ts',
    'the functions run alone in Lambda: no CDK app, local engine or build tooling',
    outsideFunctions,
  ),
  boundary('functions/domain/**/*.ts', 'the domain is pure: its own modules only, no SDK, no I/O', [
    '../*',
    '@aws-sdk/*',
    '@middy/*',
    '@aws-lambda-powertools/*',
  ]),
  boundary('functions/adapters/**/*.ts', 'adapters sit below the runtime and the services', [
    ...outsideFunctions,
    '**/runtime/**',
    '**/services/**',
  ]),
  boundary(
    'catalog/**/*.ts',
    'the catalog is CDK-free and imported by the stack and the local engine alike',
    ['**/lib/**', '**/local/**', 'aws-cdk-lib', 'aws-cdk-lib/*'],
  ),
  boundary('lib/**/*.ts', 'the stack does not depend on the local engine or the scripts', [
    '**/local/**',
    '**/scripts/**',
  ]),
);
