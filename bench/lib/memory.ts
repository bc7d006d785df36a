import fs from 'fs';

/** Peak resident set (VmHWM) and current resident set (VmRSS) of a live process, in bytes. */
export function processMemory(pid: number): { peakBytes: number; rssBytes: number } | null {
  let status: string;
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
  return { peakBytes: kb('VmHWM'), rssBytes: kb('VmRSS') };
}

/**
 * Follows a process's peak RSS until stopped. VmHWM is already the kernel's high-water mark, so the
 * sampling only guards against reading it too late, after the process has gone.
 */
export class PeakRss {
  private peak = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pid: number, everyMs = 250) {
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
    this.sample();
  }

  sample(): number {
    const m = processMemory(this.pid);
    if (m) this.peak = Math.max(this.peak, m.peakBytes);
    return this.peak;
  }

  stop(): number {
    clearInterval(this.timer);
    return this.sample();
  }
}
