import fs from 'fs';
import path from 'path';
import { DB_FILE_NAME } from '../../src/server/adapters/sqlite/open';

/** A fresh DATA_DIR holding a copy of `fromDir`'s closed database (setup: the copy is never timed). */
export function copyDataDir(fromDir: string, toDir: string): string {
  fs.rmSync(toDir, { recursive: true, force: true });
  fs.mkdirSync(toDir, { recursive: true });
  for (const suffix of ['', '-wal']) {
    const from = path.join(fromDir, DB_FILE_NAME + suffix);
    if (fs.existsSync(from)) fs.copyFileSync(from, path.join(toDir, DB_FILE_NAME + suffix));
  }
  return toDir;
}
