// CPU time of the calling process's main thread alone (Linux: /proc/self/task/<pid>/stat, in clock ticks
// of 10 ms), so a benchmark can tell the main thread's share from its worker threads'. process.cpuUsage()
// counts every thread of the process. Null where /proc is not available.
import { readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on every Linux Node runs on

export function mainThreadCpuMs(): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces, hence the last ')'): utime is the 12th, stime the 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return null;
  }
}
