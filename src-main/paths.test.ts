import { test } from 'node:test';
import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { defaultDataDir } from './paths';

test('defaultDataDir follows each OS user-data convention', () => {
  assert.equal(defaultDataDir({ XDG_CONFIG_HOME: '/x' }, 'linux'), '/x/Vigie');
  assert.equal(defaultDataDir({}, 'linux'), `${homedir()}/.config/Vigie`);
  assert.equal(defaultDataDir({}, 'darwin'), `${homedir()}/Library/Application Support/Vigie`);
  assert.match(defaultDataDir({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32'), /Roaming.Vigie$/);
});
