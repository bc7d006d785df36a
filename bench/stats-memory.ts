/**
 * The memory merchant.stats takes (issue 18 item 4): `npx tsx bench/stats-memory.ts [cases=20000]`.
 * Builds a one-shop dataset of its own (the bench's, bench/lib/dataset.ts), then in a fresh Node process
 * per way of reading runs one report over every case and prints the heap it held and the RSS it grew:
 *
 * - `fold`: the use case as it is: CaseRepo.scanForStats a page at a time into StatsFold;
 * - `whole`: what it did before (every case of the period parsed into one array, then computeStats),
 *   rebuilt here from the same repository's SQL, for the comparison.
 *
 * Heap is sampled at the points where the most is held (after each page; after the whole load), after a
 * full GC before the report; RSS is the process's high-water mark (getrusage maxrss) before and after;
 * `report` is a digest of the whole report, the same for both ways.
 */
import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import fs from 'fs';
import os from 'os';
import path from 'path';
import type { AfterSaleCase } from '../types/domain';
import { buildDataset } from './lib/dataset';
import { computeStats } from '../src/core/stats';
import { DAY_MS } from '../src/core/time';
import { createLocalServices } from '../src/server/adapters/local/services';
import { handleAfterSale } from '../src/server/handler';
import type { Services } from '../src/server/ports';

const MB = 1024 * 1024;
const gc = (globalThis as { gc?: () => void }).gc;

/** The pre-fold read: listForStats's SQL, every document parsed, the titles from the cases or orders. */
async function wholeReport(svc: Services, db: import('../src/server/adapters/sqlite/open').Db, shopId: string, from: number, to: number, sample: () => void) {
  const rows = db.prepare('SELECT doc FROM cases WHERE shop_id = ? AND created_at >= ? AND created_at < ? ORDER BY created_at, id').all(shopId, from, to) as { doc: string }[];
  const cases = rows.map((r) => JSON.parse(r.doc) as AfterSaleCase);
  sample();
  const titles = new Map<string, string>();
  const orderIds = new Set<string>();
  for (const c of cases) c.items.forEach((it, i) => (c.itemTitles?.[i] !== undefined ? titles.set(it.skuId, c.itemTitles[i]) : orderIds.add(c.orderId)));
  const orders = await Promise.all([...orderIds].map((id) => svc.orders.get(id)));
  for (const o of orders) for (const line of o?.items ?? []) if (!titles.has(line.skuId)) titles.set(line.skuId, line.title);
  const delivered = await svc.orders.countDelivered(shopId, from, to);
  sample();
  const s = computeStats(cases, delivered, from, to, (sku) => titles.get(sku));
  sample();
  return s;
}

async function child(dataDir: string, mode: 'fold' | 'whole', manifestFile: string): Promise<void> {
  const m = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { now: number; benchShopId: string; ownerOpenid: string };
  const local = createLocalServices({ dataDir });
  local.dev.setClock(m.now);
  const from = m.now - 365 * DAY_MS;
  const to = m.now + DAY_MS;
  // Warm up: modules, statements, and a one-day report.
  await handleAfterSale(local.svc, m.ownerOpenid, { action: 'merchant.stats', from: m.now - DAY_MS, to });
  gc?.();
  const base = process.memoryUsage().heapUsed;
  const rssBefore = process.resourceUsage().maxRSS * 1024;
  let peak = base;
  const sample = () => (peak = Math.max(peak, process.memoryUsage().heapUsed));
  const started = performance.now();
  let totalCases = 0;
  let csvBytes = 0;
  let digest = '';
  if (mode === 'fold') {
    const repo = local.svc.cases;
    const scan = repo.scanForStats.bind(repo);
    repo.scanForStats = async function* (...args) {
      for await (const page of scan(...args)) {
        sample();
        yield page;
      }
    };
    const r = await handleAfterSale(local.svc, m.ownerOpenid, { action: 'merchant.stats', from, to });
    sample();
    const body = r.body as { ok: boolean; data?: { totalCases: number; csv: string } };
    if (!body.ok || !body.data) throw new Error(`merchant.stats failed: ${JSON.stringify(r.body).slice(0, 300)}`);
    totalCases = body.data.totalCases;
    csvBytes = Buffer.byteLength(body.data.csv);
    digest = createHash('sha256').update(JSON.stringify(body.data)).digest('hex').slice(0, 12);
  } else {
    const s = await wholeReport(local.svc, local.db, m.benchShopId, from, to, sample);
    totalCases = s.totalCases;
    csvBytes = Buffer.byteLength(s.csv);
    digest = createHash('sha256').update(JSON.stringify(s)).digest('hex').slice(0, 12);
  }
  const ms = performance.now() - started;
  const rssAfter = process.resourceUsage().maxRSS * 1024;
  console.log(JSON.stringify({ mode, totalCases, csvMB: +(csvBytes / MB).toFixed(1), heapPeakAboveBaseMB: +((peak - base) / MB).toFixed(1), maxRssGrowthMB: +((rssAfter - rssBefore) / MB).toFixed(1), ms: Math.round(ms), report: digest }));
  await local.close();
}

async function main(): Promise<void> {
  const [first, second, third, fourth] = process.argv.slice(2);
  if (first === '--child') return child(second, third as 'fold' | 'whole', fourth);
  if (first === '--help') {
    console.log('npx tsx bench/stats-memory.ts [cases=20000]');
    return;
  }
  const cases = Number(first ?? 20_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stats-memory-'));
  try {
    const dataDir = path.join(dir, 'data');
    const now = Date.UTC(2026, 10, 1, 4);
    const manifest = await buildDataset(dataDir, { cases, shops: 1, pendingEvery: 5, applyOrders: 0 }, now);
    const manifestFile = path.join(dir, 'manifest.json');
    fs.writeFileSync(manifestFile, JSON.stringify({ now, benchShopId: manifest.benchShopId, ownerOpenid: manifest.ownerOpenid }));
    console.log(`${cases} cases in one shop`);
    for (const mode of ['whole', 'fold', 'whole', 'fold']) {
      const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', __filename, '--child', dataDir, mode, manifestFile], { encoding: 'utf8' });
      process.stdout.write(out);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
