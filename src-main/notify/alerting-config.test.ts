import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, parseConfig } from '../config/load';
import { Route } from './route';

test('an alertmanager.yml route and receivers load under alerting:, with inherited timers', () => {
  const cfg = parseConfig(
    `alerting:
  route:
    receiver: tg
    group_by: [alertname, instance]
    repeat_interval: 2h
    routes:
      - matchers: ['severity="critical"']
        receiver: hook
        group_wait: 5s
  receivers:
    - name: tg
      telegram_configs: [{ bot_token: "1:x", chat_id: -100 }]
    - name: hook
      webhook_configs: [{ url: "http://127.0.0.1:1/hook" }]
  inhibit_rules:
    - source_match: { alertname: HostDown }
      target_match_re: { severity: "warning|info" }
      equal: [instance]
`,
    'vigie.yml',
  );
  const root = new Route(cfg.alerting.route);
  const [crit] = root.match({ severity: 'critical', alertname: 'A' });
  assert.equal(crit!.opts.receiver, 'hook');
  assert.equal(crit!.opts.groupWaitMs, 5000);
  assert.equal(crit!.opts.repeatIntervalMs, 2 * 3_600_000, 'inherited from the root');
  assert.equal(crit!.opts.groupIntervalMs, 300_000, "Alertmanager's default");
  assert.deepEqual(crit!.opts.groupBy, ['alertname', 'instance']);
  assert.deepEqual(cfg.alerting.inhibit_rules[0], {
    source_matchers: ['alertname="HostDown"'],
    target_matchers: ['severity=~"warning|info"'],
    equal: ['instance'],
  });
  assert.equal(cfg.alerting.receivers[0]!.telegram_configs[0]!.parse_mode, 'HTML');
});

test('without alerting:, everything goes to the desktop receiver', () => {
  const cfg = parseConfig('', 'vigie.yml');
  assert.equal(cfg.alerting.route.receiver, 'vigie-desktop');
  assert.deepEqual(
    cfg.alerting.receivers.map((r) => r.desktop_configs.length),
    [1],
  );
  assert.equal(cfg.rules.default_pack.enabled, true);
});

test('bad alerting config is reported at file:line:col with its path', () => {
  const text = `alerting:
  route:
    receiver: nobody
    routes:
      - matchers: ['severity=="x"']
        receiver: hook
  receivers:
    - name: hook
      email_configs: []
      webhook_configs: [{ url: "not a url" }]
`;
  assert.throws(
    () => parseConfig(text, 'vigie.yml'),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      const lines = e.message.split('\n');
      assert.ok(
        lines.some((l) =>
          l.startsWith('vigie.yml:5:20: alerting.route.routes[0].matchers[0]: invalid matcher'),
        ),
        e.message,
      );
      assert.ok(
        lines.includes('vigie.yml:9:7: alerting.receivers[0].email_configs: not supported by Vigie (yet)'),
        e.message,
      );
      assert.ok(
        lines.some((l) => l.startsWith('vigie.yml:10:27: alerting.receivers[0].webhook_configs[0].url:')),
        e.message,
      );
      return true;
    },
  );
});
