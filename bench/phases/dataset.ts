/**
 * Builds the 100,000-case database in its own process (it runs beside the Taro builds; none of it is
 * timed) and prints where the manifest went: `tsx bench/phases/dataset.ts <dataDir> <manifest.json>`.
 */
import fs from 'fs';
import { buildDataset, FULL_DATASET } from '../lib/dataset';

async function main(): Promise<void> {
  const [dataDir, manifestFile] = process.argv.slice(2);
  if (!dataDir || !manifestFile) throw new Error('usage: dataset.ts <dataDir> <manifest.json>');
  const started = Date.now();
  const manifest = await buildDataset(dataDir, FULL_DATASET, Date.now());
  fs.writeFileSync(manifestFile, JSON.stringify(manifest));
  process.stdout.write(`${JSON.stringify({ manifestFile, ms: Date.now() - started })}\n`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
