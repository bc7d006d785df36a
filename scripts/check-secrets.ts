/**
 * `npx tsx scripts/check-secrets.ts [path …]`: looks for secrets that must never ship in the
 * mini-program or sit in the repository — a WeChat AppSecret, a WeChat Pay key or sub-merchant number,
 * a Tencent Cloud SecretId/SecretKey, a private key. The cloud functions take these from their
 * environment (cloudfunctions/README.md); the weapp needs none of them. Exits 1 and lists what it
 * found, 0 when clean. Without arguments it scans what ships: src/, cloudfunctions/, dist/,
 * config/ and project.config.json.
 */
import fs from 'fs';
import path from 'path';

export interface Finding {
  file: string;
  line: number;
  rule: string;
  /** The matched text with the secret itself masked, so the report does not spread it further. */
  excerpt: string;
}

interface Rule {
  id: string;
  what: string;
  pattern: RegExp;
  /** The capture group holding the secret value (0: the whole match). */
  group: number;
}

/** Values people copy from WeChat's documentation and test stand-ins; none opens anything. */
const PUBLIC_SAMPLES = new Set([
  // WeChat Pay's documented sample merchant number, used by the local simulated gateway's callbacks.
  '1900000109',
  // The sample merchant number of WeChat Pay's API v3 documentation.
  '1230000109',
  // The local WeChat Pay v3 stand-in merchant (src/server/adapters/wechatpay/keys.ts LOCAL_V3_PAYMENT); its keys are generated.
  '1900009191',
]);

const PLACEHOLDER = /^(x+|\*+|0+|<[^>]*>|\$\{[^}]*\}|your[\w-]*|changeme|placeholder|example[\w-]*|process\.env\.\w+)$/i;

const SECRET_NAME = String.raw`[A-Za-z0-9_$]*(?:app_?secret|secret_?key|secret_?id|secret|mch_?key|api_?v?3?_?key|private_?key|sign_?key)[A-Za-z0-9_$]*`;

export const RULES: readonly Rule[] = [
  // A PEM private key: the header followed by key material, on lines or on one line with `\n` escapes
  // (as pasted into an environment variable). A header alone, as in a library's comment, is none.
  {
    id: 'private-key',
    what: 'a PEM private key',
    pattern: /-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----(?:\s|\\n|\\r)+[A-Za-z0-9+/=]{40,}/g,
    group: 0,
  },
  {
    id: 'apiv3-key',
    what: 'a WeChat Pay APIv3 key (32 letters or digits) named as one, quoted or not (a pasted .env line)',
    pattern: /["']?\b([A-Za-z0-9_]*api_?v3_?(?:key|secret)[A-Za-z0-9_]*)\b["']?\s*[:=]\s*["'`]?([A-Za-z0-9]{32})(?![A-Za-z0-9])/gi,
    group: 2,
  },
  { id: 'tencent-secret-id', what: 'a Tencent Cloud SecretId (AKID…)', pattern: /\bAKID[0-9A-Za-z]{32}\b/g, group: 0 },
  {
    id: 'named-secret',
    what: 'a literal assigned to a secret-named key (AppSecret, SecretKey, API key, merchant key)',
    pattern: new RegExp(String.raw`["']?\b(${SECRET_NAME})\b["']?\s*[:=]\s*["'\`]([^"'\`\s]{8,})["'\`]`, 'gi'),
    group: 2,
  },
  {
    id: 'merchant-number',
    what: 'a literal WeChat Pay (sub-)merchant number',
    pattern: /["']?\b((?:sub_?)?mch_?id)\b["']?\s*[:=]\s*["'`]?(\d{8,12})\b/gi,
    group: 2,
  },
  { id: 'appsecret-hex', what: 'a 32-hex string literal (the shape of a WeChat AppSecret)', pattern: /["'`]([0-9a-f]{32})["'`]/g, group: 1 },
];

const SKIP_DIRS = new Set(['node_modules', '.git']);
const MAX_BYTES = 8 * 1024 * 1024;

function* filesUnder(p: string): Generator<string> {
  if (!fs.existsSync(p)) return;
  const st = fs.statSync(p);
  if (st.isFile()) {
    yield p;
    return;
  }
  for (const entry of fs.readdirSync(p, { withFileTypes: true })) {
    if (entry.isDirectory() && SKIP_DIRS.has(entry.name)) continue;
    yield* filesUnder(path.join(p, entry.name));
  }
}

function mask(text: string, secret: string): string {
  const shown = secret.length > 8 ? `${secret.slice(0, 4)}…(${secret.length})` : '…';
  return text.split(secret).join(shown).slice(0, 160);
}

/** Findings in one text. */
export function scanText(file: string, text: string): Finding[] {
  const findings: Finding[] = [];
  for (const rule of RULES) {
    rule.pattern.lastIndex = 0;
    for (let m = rule.pattern.exec(text); m !== null; m = rule.pattern.exec(text)) {
      const value = m[rule.group];
      if (rule.group > 0 && (PUBLIC_SAMPLES.has(value) || PLACEHOLDER.test(value))) continue;
      findings.push({ file, line: text.slice(0, m.index).split('\n').length, rule: rule.id, excerpt: mask(m[0], value) });
    }
  }
  return findings;
}

/** The text files under the given paths that a scan reads (binary or huge files and node_modules left out). */
export function textFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const root of paths) {
    for (const file of filesUnder(root)) {
      if (fs.statSync(file).size > MAX_BYTES) continue;
      if (fs.readFileSync(file).includes(0)) continue;
      out.push(file);
    }
  }
  return out;
}

/** Findings in every text file under the given paths. */
export function scanForSecrets(paths: readonly string[]): Finding[] {
  return textFiles(paths).flatMap((file) => scanText(file, fs.readFileSync(file, 'utf8')));
}

export const ROOT = path.resolve(__dirname, '..');
/** What ships: the mini-program's sources and build, the cloud functions, the build config. */
export const SHIPPED = ['src', 'cloudfunctions', 'dist', 'config', 'project.config.json'].map((p) => path.join(ROOT, p));

if (require.main === module) {
  const args = process.argv.slice(2);
  const findings = scanForSecrets(args.length > 0 ? args.map((a) => path.resolve(a)) : SHIPPED);
  for (const f of findings) console.log(`${path.relative(process.cwd(), f.file)}:${f.line}  ${f.rule}  ${f.excerpt}`);
  if (findings.length > 0) {
    console.error(`发现 ${findings.length} 处疑似密钥：请移到云函数的环境变量中（见 cloudfunctions/README.md）`);
    process.exit(1);
  }
  console.log('未发现密钥');
}
