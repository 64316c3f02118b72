/** IPC_CHANNELS are the only channels the preload may invoke; each maps to one DesktopApi method. */
export const IPC_CHANNELS = {
  notificationPermission: 'vigie:notification-permission',
  setKiosk: 'vigie:set-kiosk',
  openDataFolder: 'vigie:open-data-folder',
  appVersion: 'vigie:app-version',
} as const;
