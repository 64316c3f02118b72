import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDesktopSettings, parseDesktopSettings, saveDesktopSettings } from './settings';

test('missing settings are the defaults; saved ones read back', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-settings-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'desktop.json');
  const s = loadDesktopSettings(file);
  assert.deepEqual(s, {
    kiosk: false,
    startAtLogin: false,
    shareOnLan: false,
    lanListen: '0.0.0.0:9742',
    alertPollMs: 15_000,
    restartLimit: 5,
  });
  saveDesktopSettings(file, { ...s, kiosk: true });
  assert.equal(loadDesktopSettings(file).kiosk, true);
});

test('bad settings name the file and the field', () => {
  assert.throws(
    () => parseDesktopSettings('{"kiosk": "yes"}', '/d/desktop.json'),
    /\/d\/desktop\.json: kiosk: /,
  );
  assert.throws(
    () => parseDesktopSettings('{"lanListen": "9742"}', 'd.json'),
    /lanListen: expected HOST:PORT/,
  );
  assert.throws(() => parseDesktopSettings('{"kioks": true}', 'd.json'), /d\.json: .*kioks/);
  assert.throws(() => parseDesktopSettings('{', 'd.json'), /d\.json: invalid JSON/);
});
