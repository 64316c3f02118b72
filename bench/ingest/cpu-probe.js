// cpu-probe.js: preloaded into a measured `vigie serve` (node --import) by profile-serve.ts. The first SIGUSR2
// starts V8's CPU profiler (through node:inspector, in-process), the second stops it and writes the
// .cpuprofile to the file named by VIGIE_CPU_PROBE, so the profile covers only the steady-state window and not
// start-up. With VIGIE_CPU_PROBE_MODE=promoted it samples allocations instead (V8's sampling heap profiler,
// keeping objects that died in a major GC but not those a scavenge freed): the stacks that allocate what
// gets promoted to the old generation and then dies there, which is what drives major GCs. Nothing else
// changes in the process.
import { Session } from 'node:inspector';
import { renameSync, writeFileSync } from 'node:fs';

const out = process.env.VIGIE_CPU_PROBE;
const promoted = process.env.VIGIE_CPU_PROBE_MODE === 'promoted';
let session;

/** post wraps Session.post in a promise. */
function post(method, params) {
  return new Promise((resolve, reject) =>
    session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))),
  );
}

if (out !== undefined)
  process.on('SIGUSR2', () => {
    if (session === undefined) {
      session = new Session();
      session.connect();
      if (promoted)
        void post('HeapProfiler.enable').then(() =>
          post('HeapProfiler.startSampling', {
            samplingInterval: 4096,
            includeObjectsCollectedByMajorGC: true,
            includeObjectsCollectedByMinorGC: false,
          }),
        );
      else
        void post('Profiler.enable')
          .then(() =>
            post('Profiler.setSamplingInterval', { interval: Number(process.env.VIGIE_CPU_PROBE_US ?? 500) }),
          )
          .then(() => post('Profiler.start'));
      return;
    }
    void post(promoted ? 'HeapProfiler.stopSampling' : 'Profiler.stop').then(({ profile }) => {
      session.disconnect();
      session = undefined;
      writeFileSync(`${out}.tmp`, JSON.stringify(profile));
      renameSync(`${out}.tmp`, out);
    });
  });
