/**
 * Debian's Avahi inside a lab namespace: a private D-Bus system bus and an avahi-daemon with their own
 * config, both under a private tmpfs mounted over /run in a private mount namespace (so neither sees nor
 * touches the host's /run, its D-Bus or its Avahi), restricted to the namespace's eth0, IPv4 only.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab, LabHost, LabProcess } from './netns';

/** AVAHI_PROGRAMS are what the interop tests need installed. */
export const AVAHI_PROGRAMS = [
  '/usr/sbin/avahi-daemon',
  '/usr/bin/avahi-browse',
  '/usr/bin/avahi-publish-service',
  '/usr/bin/dbus-daemon',
  '/usr/bin/unshare',
];

/** avahiSkipReason says which program is missing, or undefined when all are there. */
export function avahiSkipReason(): string | undefined {
  const missing = AVAHI_PROGRAMS.filter((p) => !existsSync(p));
  return missing.length > 0
    ? `Avahi interop needs ${missing.join(', ')} (apt-get install avahi-daemon avahi-utils)`
    : undefined;
}

const DBUS_CONF = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=/run/dbus/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
`;

const AVAHI_CONF = `[server]
use-ipv4=yes
use-ipv6=no
allow-interfaces=eth0
enable-dbus=yes
ratelimit-interval-usec=0
[wide-area]
enable-wide-area=no
[publish]
publish-addresses=yes
publish-workstation=no
publish-hinfo=no
[reflector]
enable-reflector=no
`;

/**
 * runWithAvahi starts dbus-daemon and avahi-daemon in host's namespace (private /run), waits until Avahi
 * answers on the bus, then runs `command` (a shell command line) there; the daemons live as long as it.
 */
export function runWithAvahi(lab: Lab, host: LabHost, dir: string, command: string): LabProcess {
  writeFileSync(join(dir, 'dbus.conf'), DBUS_CONF);
  writeFileSync(join(dir, 'avahi.conf'), AVAHI_CONF);
  const script = `
set -e
mount -t tmpfs vigie-lab-run /run
mkdir -p /run/dbus /run/avahi-daemon
dbus-daemon --config-file='${dir}/dbus.conf' --nofork --nopidfile &
DBUS=$!
for i in $(seq 50); do [ -S /run/dbus/system_bus_socket ] && break; sleep 0.1; done
export DBUS_SYSTEM_BUS_ADDRESS=unix:path=/run/dbus/system_bus_socket
avahi-daemon -f '${dir}/avahi.conf' --no-drop-root --no-chroot --no-rlimits --no-proc-title 2>'${dir}/avahi.log' &
AVAHI=$!
trap 'kill $AVAHI $DBUS 2>/dev/null' EXIT
for i in $(seq 100); do avahi-browse -at >/dev/null 2>&1 && break; sleep 0.1; done
echo AVAHI-READY
${command}
`;
  return lab.spawn(host, '/usr/bin/unshare', ['-m', '--propagation', 'private', 'sh', '-c', script]);
}
