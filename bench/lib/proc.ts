/** What Linux's /proc says a process has used so far: CPU time and bytes written. Load-independent, unlike wall time. */
import fs from 'fs';

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ: 100 on Linux). */
const USER_HZ = 100;

/** User + system CPU time of a process (not its children), in ms; 0 when it has gone. */
export function processCpuMs(pid: number): number {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 0;
  }
  // Fields after the command name (which may hold spaces, hence the last ')'): utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
}

/**
 * Bytes a process and its descendants have passed to write(2) (/proc/<pid>/io `wchar`): for a host,
 * the WAL's frames, the checkpoints' copies into the database file and any temporary file's writes
 * (its HTTP replies and logs are a few KB). Unlike the -wal file's size, this counts frames a
 * checkpoint let the WAL write over.
 */
export function writtenBytes(pid: number): number {
  let io: string;
  try {
    io = fs.readFileSync(`/proc/${pid}/io`, 'utf8');
  } catch {
    return 0;
  }
  let sum = Number(/^wchar:\s+(\d+)/m.exec(io)?.[1] ?? 0);
  for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
    const kids = fs.readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
    for (const kid of kids ? kids.split(/\s+/) : []) sum += writtenBytes(Number(kid));
  }
  return sum;
}

/**
 * A process's main thread so far (/proc/<pid>/task/<pid>/schedstat): time on a CPU and time runnable
 * but waiting for one, in ms; zeros when it has gone. The wait is what a loaded machine adds to a
 * single-threaded server's latency (bench/README.md, `apply` p99).
 */
export function mainThreadSched(pid: number): { cpuMs: number; waitMs: number } {
  try {
    const [cpu, wait] = fs.readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ').map(Number);
    return { cpuMs: cpu / 1e6, waitMs: wait / 1e6 };
  } catch {
    return { cpuMs: 0, waitMs: 0 };
  }
}
