import { machine } from 'node:os';
import { join } from 'node:path';
import type { Collector } from '../collector';
import { type LinuxPaths, readText } from './paths';

/**
 * unameCollector exposes node_uname_info with the uname(2) fields, read from /proc/sys/kernel (the same
 * strings the syscall returns in this UTS namespace); only `machine` comes from Node, which has no file.
 */
export function unameCollector(paths: LinuxPaths): Collector {
  return {
    name: 'uname',
    async collect(out) {
      const k = (f: string): Promise<string> =>
        readText(join(paths.procfs, 'sys/kernel', f)).then((s) => s.replace(/\n$/, ''));
      const [sysname, release, version, nodename, domainname] = await Promise.all([
        k('ostype'),
        k('osrelease'),
        k('version'),
        k('hostname'),
        k('domainname'),
      ]);
      out.gauge('node_uname_info', 'Labeled system information as provided by the uname system call.', 1, {
        domainname,
        machine: machine(),
        nodename,
        release,
        sysname,
        version,
      });
    },
  };
}
