// eslint.config.js: style plus the layering of DESIGN.md. Each stage of src-main may reach another stage
// only through that stage's `api` module; only appliance.ts and cli.ts wire concrete implementations; only
// src-main/electron/ imports electron; only src-renderer/ touches the DOM (its own tsconfig has the DOM lib).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import pluginVue from 'eslint-plugin-vue';

const stages = [
  'common',
  'config',
  'discovery',
  'scrape',
  'storage',
  'promql',
  'rules',
  'notify',
  'web',
  'probe',
  'pairing',
  'import',
  'state',
  'secrets',
];

/** stageRule forbids a stage's files from importing another stage past its `api` module. */
function stageRule(stage) {
  const others = stages.filter((s) => s !== stage && s !== 'common').join('|');
  return {
    files: [`src-main/${stage}/**/*.ts`],
    ignores: [`src-main/${stage}/**/*.test.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'Only src-main/electron/ may import electron.' }],
          patterns: [
            {
              regex: `(^|/)(${others})/(?!api$)`,
              message: `A stage reaches another only through its api module (see DESIGN.md).`,
            },
            {
              regex: '(^|/)(appliance|cli|electron)(/|$)',
              message: 'Only the wiring imports appliance/cli.',
            },
            { regex: 'src-renderer', message: 'The core never imports the renderer.' },
          ],
        },
      ],
    },
  };
}

export default tseslint.config(
  { ignores: ['node_modules/**', '**/dist/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['**/*.ts', '**/*.js'],
    ignores: ['src-main/electron/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'Only src-main/electron/ may import electron.' }] },
      ],
    },
  },
  {
    files: ['src-main/common/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^\\.\\./', message: 'common/ imports nothing outside itself.' }] },
      ],
    },
  },
  ...stages.filter((s) => s !== 'common').map(stageRule),
  {
    files: ['agent/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The agent never imports electron.' }],
          patterns: [
            {
              regex: 'src-main/(?!common/)',
              message: 'The agent stays small: it may share only src-main/common.',
            },
          ],
        },
      ],
    },
  },
  // The renderer's single-file components: Vue's recommended rules, with TypeScript inside <script setup>;
  // layout is left to prettier.
  ...pluginVue.configs['flat/recommended'].map((c) => ({ ...c, files: ['src-renderer/**/*.vue'] })),
  {
    files: ['src-renderer/**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
    rules: {
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
    },
  },
  {
    files: ['src-renderer/**/*.{ts,vue}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer talks to the preload bridge, never electron.' }],
          patterns: [
            { regex: 'src-main/(?!common/)', message: 'The renderer speaks HTTP; it shares only common/.' },
          ],
        },
      ],
    },
  },
);
