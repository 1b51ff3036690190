import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.data/**', '*.cjs', 'bench/tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', globalThis: 'readonly', URL: 'readonly', fetch: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-empty-object-type': 'off',
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.property.name='only']", message: 'no .only left in tests' },
        { selector: "CallExpression[callee.object.name='describe'][callee.property.name='skip']", message: 'no describe.skip: gate with a named reason' },
      ],
    },
  },
  {
    // The domain is plain TypeScript: time and ids come in as inputs.
    files: ['libs/domain/src/**/*.ts'],
    ignores: ['libs/domain/src/**/*.spec.ts', 'libs/domain/src/shared/clock.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'domain code takes time from a Clock' },
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'domain code takes time from a Clock' },
        { selector: "CallExpression[callee.name='randomUUID']", message: 'domain code takes ids as inputs' },
      ],
    },
  },
  {
    // The console runs in the browser.
    files: ['apps/console/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
  },
);
