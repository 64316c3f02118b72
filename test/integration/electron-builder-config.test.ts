// electron-builder.yml is checked the way electron-builder itself checks it (its own loader and scheme.json
// validator, from the installed app-builder-lib), plus what Vigie's packaging needs: every platform's
// target, DuckDB's native module out of the asar, the agent as an extra resource, and the fuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';

const root = join(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
/** builderLib is app-builder-lib as electron-builder resolves it (it is electron-builder's own dependency). */
const builderLib = createRequire(require.resolve('electron-builder/package.json'));
const configModule = builderLib('app-builder-lib/out/util/config/config.js') as {
  getConfig(
    projectDir: string,
    configPath: string | null,
    fromOptions: null,
  ): Promise<Record<string, unknown>>;
  validateConfiguration(config: unknown, logger: { isEnabled: boolean; add(): void }): Promise<void>;
};
const quietLogger = { isEnabled: false, add: () => {} };
const configPath = join(root, 'electron-builder.yml');

test('electron-builder.yml passes electron-builder’s own schema validation', async () => {
  const config = await configModule.getConfig(root, configPath, null);
  await configModule.validateConfiguration(config, quietLogger);
  assert.equal(config.appId, 'org.vigie.app');
});

test('the validator is real: an unknown option or a wrong type is refused', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-builder-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const good = parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
  await assert.rejects(
    configModule.validateConfiguration(
      { ...good, linux: { target: 'AppImage', categroy: 'System' } },
      quietLogger,
    ),
    /configuration\.linux/,
  );
  await assert.rejects(
    configModule.validateConfiguration({ ...good, electronFuses: { runAsNode: 'no' } }, quietLogger),
    /configuration\.electronFuses/,
  );
  writeFileSync(join(dir, 'bad.yml'), 'appId: x\nasar: [1, 2]\n');
  const bad = await configModule.getConfig(dir, join(dir, 'bad.yml'), null);
  await assert.rejects(configModule.validateConfiguration(bad, quietLogger), /configuration\.asar/);
});

test('packaging covers every platform, unpacks DuckDB, ships the agent and flips the fuses', () => {
  const c = parse(readFileSync(configPath, 'utf8')) as {
    linux: { target: string[] };
    win: { target: string[] };
    mac: { target: string[] };
    asarUnpack: string[];
    extraResources: { from: string; to: string }[];
    electronFuses: Record<string, boolean>;
    extraMetadata: { main: string };
    files: string[];
  };
  assert.deepEqual(c.linux.target, ['AppImage', 'deb']);
  assert.deepEqual(c.win.target, ['nsis']);
  assert.deepEqual(c.mac.target, ['dmg']);
  assert.ok(c.asarUnpack.includes('node_modules/@duckdb/**'));
  assert.deepEqual(c.extraResources, [{ from: 'agent/dist/vigie-agent.js', to: 'agent/vigie-agent.js' }]);
  assert.deepEqual(
    {
      runAsNode: c.electronFuses.runAsNode,
      nodeOptions: c.electronFuses.enableNodeOptionsEnvironmentVariable,
      inspect: c.electronFuses.enableNodeCliInspectArguments,
      asarIntegrity: c.electronFuses.enableEmbeddedAsarIntegrityValidation,
      onlyAsar: c.electronFuses.onlyLoadAppFromAsar,
    },
    { runAsNode: false, nodeOptions: false, inspect: false, asarIntegrity: true, onlyAsar: true },
  );
  assert.ok(c.files.includes(c.extraMetadata.main), 'the app entry is packaged');
  assert.ok(c.files.includes('dist/electron-preload.cjs'));
});

test('the desktop build produces every file the packaging names', async () => {
  const { buildDesktop } = (await import(join(root, 'scripts', 'build-desktop.js'))) as {
    buildDesktop(): Promise<string[]>;
  };
  const built = await buildDesktop();
  for (const f of built) assert.ok(existsSync(f), `${f} was built`);
  for (const f of ['dist/electron-main.js', 'dist/electron-preload.cjs', 'dist/desktop-resources/icon.png'])
    assert.ok(existsSync(join(root, f)), `${f} exists`);
  const png = readFileSync(join(root, 'dist/desktop-resources/icon.png'));
  assert.equal(png.subarray(1, 4).toString('ascii'), 'PNG');
  assert.equal(png.readUInt32BE(16), 1024); // electron-builder wants ≥ 512 px to derive .icns/.ico
  assert.ok(existsSync(dirname(require.resolve('@duckdb/node-api'))), 'DuckDB is installed to be unpacked');
});
