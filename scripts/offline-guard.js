// scripts/offline-guard.js: preloaded (`node --import`) into tools that try to reach the Internet on their
// own (electronegativity fetches translations and Electron's release list): every DNS lookup of, and every
// connection to, anything but loopback fails at once, so nothing leaves the machine and the tool falls back
// to its offline behaviour.
import dns from 'node:dns';
import net from 'node:net';

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|::1)$/;
const refuse = (what) =>
  Object.assign(new Error(`offline-guard: ${what} refused (no traffic leaves this machine)`), {
    code: 'ENETUNREACH',
  });

const lookup = dns.lookup;
dns.lookup = function guardedLookup(host, options, callback) {
  const cb = typeof options === 'function' ? options : callback;
  if (!LOOPBACK.test(String(host))) return process.nextTick(cb, refuse(`lookup of ${host}`));
  return lookup.call(this, host, options, callback);
};
const lookupPromise = dns.promises.lookup;
dns.promises.lookup = async function guardedLookupPromise(host, options) {
  if (!LOOPBACK.test(String(host))) throw refuse(`lookup of ${host}`);
  return lookupPromise.call(this, host, options);
};

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const opts = typeof first === 'object' && first !== null ? first : { port: first, host: args[1] };
  // A Unix socket or named pipe (path, no port) stays on the machine; an HTTP request's options also carry a
  // `path` (the URL path), so the port decides.
  const local = opts.port === undefined && opts.host === undefined && opts.path !== undefined;
  const host = local ? 'localhost' : String(opts.host ?? 'localhost').replace(/^\[|\]$/g, '');
  if (!LOOPBACK.test(host)) {
    process.nextTick(() => this.destroy(refuse(`connection to ${host}`)));
    return this;
  }
  return connect.apply(this, args);
};
