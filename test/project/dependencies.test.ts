// package.json declares what the code imports, and nothing the code does not use: every bare import in the
// project's TypeScript resolves to a declared package, and every declared package is imported or is a tool that
// runs from the command line or a config file.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../catalog/paths';

const FOLDERS = ['bin', 'lib', 'functions', 'local', 'bench', 'scripts', 'test', 'types'];
/** Packages used from the command line, npm scripts or config files rather than imported by TypeScript. */
const TOOLS = new Set([
  'aws-cdk', // `cdk synth|deploy`
  'typescript', // `tsc --noEmit`
  'prettier', // `npm run format`
  'tsx', // `npm start`, `npm run bench`, cdk.json's app
  'esbuild', // aws-lambda-nodejs bundles with it
  'eslint', // `npm run lint`
]);

const manifest = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const declared = new Set([...Object.keys(manifest.dependencies), ...Object.keys(manifest.devDependencies)]);

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(join(dir, entry.name))
      : /\.(ts|mts|mjs)$/.test(entry.name)
        ? [readFileSync(join(dir, entry.name), 'utf8')]
        : [],
  );

const packageOf = (specifier: string): string =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;

const specifiers = [
  ...FOLDERS.flatMap((folder) => sources(join(projectRoot, folder))),
  readFileSync(join(projectRoot, 'vitest.config.ts'), 'utf8'),
  readFileSync(join(projectRoot, 'eslint.config.mjs'), 'utf8'),
].flatMap((code) =>
  [
    ...code.matchAll(/^\s*(?:import|export)\b[^;]*?\sfrom\s+'([^']+)'/gms),
    ...code.matchAll(/^\s*import\s+'([^']+)'/gm),
    ...code.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g),
    ...code.matchAll(/^declare module '([^']+)'/gm),
  ].map((match) => match[1]!),
);
const isBuiltin = (specifier: string) => specifier.startsWith('node:') || builtinModules.includes(specifier);
const imported = new Set(
  specifiers.filter((specifier) => !specifier.startsWith('.') && !isBuiltin(specifier)).map(packageOf),
);
// Node's own modules are typed by @types/node.
if (specifiers.some(isBuiltin)) imported.add('@types/node');

describe('package.json', () => {
  it('declares every package the code imports', () => {
    const undeclared = [...imported].filter(
      (name) => !declared.has(name) && !declared.has(`@types/${name.replace(/^@/, '').replace('/', '__')}`),
    );
    expect(undeclared.sort()).toEqual([]);
  });

  it('declares no package that nothing imports or runs', () => {
    const unused = [...declared].filter(
      (name) =>
        !imported.has(name) &&
        !TOOLS.has(name) &&
        !(name.startsWith('@types/') && imported.has(name.slice('@types/'.length).replace('__', '/'))),
    );
    expect(unused.sort()).toEqual([]);
  });
});
