import type { RulesConfig } from '../config/api';
import { defaultPackGroup, type DefaultRuleKey, type PackSetting } from './default-pack';
import type { GroupDef } from './rule-file';
import { thresholdGroup } from './threshold';

/** THRESHOLD_FILE names the group of the user's threshold rules in the rules API. */
export const THRESHOLD_FILE = 'vigie:threshold-rules';

/** builtinGroups are the rule groups that need no rule file: the default pack and the threshold rules. */
export function builtinGroups(cfg: RulesConfig): GroupDef[] {
  const out: GroupDef[] = [];
  if (cfg.default_pack.enabled) {
    const settings: Partial<Record<DefaultRuleKey, Partial<PackSetting>>> = {};
    for (const [k, v] of Object.entries(cfg.default_pack.settings))
      settings[k as DefaultRuleKey] = {
        ...(v.enabled !== undefined ? { enabled: v.enabled } : {}),
        ...(v.warn !== undefined ? { warn: v.warn } : {}),
        ...(v.critical !== undefined ? { critical: v.critical } : {}),
        ...(v.for !== undefined ? { forMs: v.for } : {}),
      };
    out.push(defaultPackGroup(settings));
  }
  if (cfg.threshold_rules.length > 0)
    out.push(
      thresholdGroup(
        'vigie-thresholds',
        THRESHOLD_FILE,
        cfg.threshold_rules.map((r) => ({
          name: r.name,
          expr: r.expr,
          op: r.op,
          warn: r.warn,
          critical: r.critical,
          forMs: r.for,
          summary: r.summary ?? `${r.name}: {{ $labels.instance }} at {{ $value | humanize }}`,
          enabled: r.enabled,
        })),
      ),
    );
  return out;
}
