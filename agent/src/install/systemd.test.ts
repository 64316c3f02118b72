import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AGENT_NODE_FLAGS } from '../../build.js';
import { SERVICE_NODE_FLAGS } from './index';
import { quoteArg, systemdUnit } from './systemd';

test('the unit runs the agent as an unprivileged dynamic user with its state in /var/lib', () => {
  const unit = systemdUnit({
    node: '/usr/bin/node',
    nodeFlags: ['--jitless'],
    agentArgs: ['--no-mdns'],
    withToken: false,
  });
  assert.match(
    unit,
    /^ExecStart=\/usr\/bin\/node --jitless \/usr\/local\/lib\/vigie-agent\/vigie-agent\.js --state-dir \/var\/lib\/vigie-agent --no-mdns$/m,
  );
  assert.match(unit, /^DynamicUser=yes$/m);
  assert.match(unit, /^StateDirectory=vigie-agent$/m);
  assert.match(unit, /^NoNewPrivileges=yes$/m);
  assert.match(unit, /^ProtectSystem=strict$/m);
  assert.match(unit, /^WantedBy=multi-user\.target$/m);
  assert.doesNotMatch(unit, /^User=root/m);
  assert.doesNotMatch(unit, /LoadCredential/);
});

test('the enrollment token arrives as a credential only the service reads', () => {
  const unit = systemdUnit({ node: '/usr/bin/node', nodeFlags: [], agentArgs: [], withToken: true });
  assert.match(unit, /^LoadCredential=enrollment-token:\/etc\/vigie-agent\/enrollment-token$/m);
  assert.match(unit, /--enrollment-token-file \$\{CREDENTIALS_DIRECTORY\}\/enrollment-token/);
});

test('ExecStart words are quoted the way systemd parses them', () => {
  assert.equal(quoteArg('/usr/bin/node'), '/usr/bin/node');
  assert.equal(quoteArg('^(lo|docker.*)$'), '"^(lo|docker.*)$$"');
  assert.equal(quoteArg('a b'), '"a b"');
  assert.equal(quoteArg('50%'), '50%%');
  assert.equal(quoteArg('say "hi"'), '"say \\"hi\\""');
});

test('the service runs under the agent’s measured V8 flags', () => {
  assert.deepEqual([...SERVICE_NODE_FLAGS], AGENT_NODE_FLAGS);
});
