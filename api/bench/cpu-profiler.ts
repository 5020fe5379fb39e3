// V8 CPU profile of a bench child's measured phase (BENCH_PROFILE=1 in run.ts), as serveParent handlers.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

export function cpuProfilerHandlers() {
  let profiler: Session | null = null;
  return {
    async profileStart() {
      profiler = new Session();
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.setSamplingInterval', { interval: 500 });
      await profiler.post('Profiler.start');
      return true;
    },
    async profileStop(args: { file: string }) {
      if (!profiler) throw new Error('profiling was not started');
      const { profile } = await profiler.post('Profiler.stop');
      writeFileSync(args.file, JSON.stringify(profile));
      profiler.disconnect();
      profiler = null;
      return args.file;
    },
  };
}
