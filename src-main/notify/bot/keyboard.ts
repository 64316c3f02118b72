import { groupId } from '../fingerprint';
import type { Notification } from '../payload';

/** CallbackAction is what an inline button under an alert message asks for. */
export type CallbackAction = 'ack' | 'sil' | 'gr';

/** TELEGRAM_MAX_CALLBACK_DATA is the Bot API's limit on a button's callback_data, in bytes. */
export const TELEGRAM_MAX_CALLBACK_DATA = 64;

/** InlineButton and InlineKeyboard are the Bot API's inline keyboard, as much as Vigie uses of it. */
export interface InlineButton {
  text: string;
  callback_data: string;
}
export interface InlineKeyboard {
  inline_keyboard: InlineButton[][];
}

/**
 * alertRef names what a message is about for its buttons: `a<fingerprint>` for a single alert, `g<group
 * id>` for a group of alerts (the router resolves both with alertsOf). At most 17 bytes.
 */
export function alertRef(n: Notification): string {
  return n.alerts.length === 1 ? `a${n.alerts[0]!.alert.fingerprint}` : `g${groupId(n.groupKey)}`;
}

/** alertKeyboard is the row of buttons under an alert message: Ack, Silence (for silenceLabel), Graph. */
export function alertKeyboard(ref: string, silenceLabel = '1h'): InlineKeyboard {
  return {
    inline_keyboard: [
      [
        { text: '👍 Ack', callback_data: `ack:${ref}` },
        { text: `🔕 Silence ${silenceLabel}`, callback_data: `sil:${ref}` },
        { text: '📈 Graph', callback_data: `gr:${ref}` },
      ],
    ],
  };
}

/** parseCallback reads a button's callback_data; undefined for data Vigie did not make. */
export function parseCallback(data: string): { action: CallbackAction; ref: string } | undefined {
  const m = /^(ack|sil|gr):([ag][0-9a-f]{1,16})$/.exec(data);
  return m === null ? undefined : { action: m[1] as CallbackAction, ref: m[2]! };
}

/**
 * markDone replaces the pressed button of a keyboard by a label of what was done (its callback_data becomes
 * `done`, which the bot answers with the label), so everyone in the chat sees the result.
 */
export function markDone(k: InlineKeyboard, action: CallbackAction, label: string): InlineKeyboard {
  return {
    inline_keyboard: k.inline_keyboard.map((row) =>
      row.map((b) => (b.callback_data.startsWith(`${action}:`) ? { text: label, callback_data: 'done' } : b)),
    ),
  };
}
