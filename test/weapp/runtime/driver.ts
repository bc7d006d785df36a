/**
 * The journeys' driver for WeChat's component runtime (test/weapp/journeys.ts): each `as()` is a fresh
 * launch of `dist/` (miniprogram.ts) as that person, all of them talking to one cloud-sim backend
 * through the cloud functions' own code (cloud.ts). A failed step keeps the page's rendered document
 * as e2e/artifacts/weapp-<step>.html, with what the phone recorded.
 */
import fs from 'fs';
import path from 'path';
import type { ApiReply } from '../../../types/errors';
import type { JourneyDriver, Phone, Photo, Recorded } from '../journeys';
import { SimCloud, REPO_ROOT } from './cloud';
import { installDom, type InstalledDom } from './dom';
import { Miniprogram } from './miniprogram';

const FIXTURES = path.join(REPO_ROOT, 'e2e', 'devtools', 'fixtures');
const ARTIFACTS = path.join(REPO_ROOT, 'e2e', 'artifacts');

class SimPhone implements Phone {
  constructor(readonly mp: Miniprogram) {}

  async tap(selector: string, want: string | RegExp): Promise<void> {
    await this.mp.tap(selector, want);
  }

  async tapWithin(selector: string, want: string | RegExp, inner: string): Promise<void> {
    await this.mp.tapWithin(selector, want, inner);
  }

  async typeInto(selector: string, value: string, index = 0): Promise<void> {
    await this.mp.typeInto(selector, value, index);
  }

  async seeText(rootSelector: string, want: string | RegExp, timeoutMs?: number): Promise<void> {
    await this.mp.seeText(rootSelector, want, timeoutMs);
  }

  async textOf(selector: string): Promise<string> {
    return this.mp.text(this.mp.all(selector)[0]);
  }

  async count(selector: string): Promise<number> {
    return this.mp.all(selector).length;
  }

  async classOf(selector: string): Promise<string> {
    return this.mp.all(selector)[0]?.className ?? '';
  }

  async pageAt(route: string): Promise<{ query: Record<string, string> }> {
    return this.mp.pageAt(route);
  }

  async open(url: string): Promise<void> {
    await this.mp.open(url);
  }

  async nextPhoto(photo: Photo): Promise<void> {
    this.mp.nextPick([{ bytes: fs.readFileSync(path.join(FIXTURES, `${photo}.jpg`)), fileType: 'image', ext: 'jpg' }]);
  }

  async recorded(): Promise<Recorded> {
    const r = this.mp.recorded;
    return { modals: [...r.modals], toasts: [...r.toasts], subscribed: r.subscribed.map((s) => [...s]) };
  }

  async screenshot(): Promise<void> {
    // jsdom lays nothing out: there are no pixels to keep. A failed step keeps the document instead.
  }
}

export class SimDriver implements JourneyDriver {
  private mp?: Miniprogram;
  /** Every launch of this run, for the checks that span them (errors seen, pages opened). */
  readonly launches: Miniprogram[] = [];

  private constructor(
    readonly dist: string,
    readonly cloud: SimCloud,
    private readonly dom: InstalledDom,
  ) {}

  /** `dist`: the weapp build to launch (test:weapp's own fresh build, bench/lib/builds.ts). */
  static async start(dist: string): Promise<SimDriver> {
    const dom = installDom();
    const holder: { driver?: SimDriver } = {};
    const cloud = await SimCloud.start((filePath) => {
      const mp = holder.driver?.mp;
      if (!mp) throw { errMsg: `uploadFile:fail no phone has ${filePath}` };
      return mp.files.read(filePath);
    });
    holder.driver = new SimDriver(dist, cloud, dom);
    return holder.driver;
  }

  get phone(): Miniprogram {
    if (!this.mp) throw new Error('no launch yet: call as() first');
    return this.mp;
  }

  async as(openid: string, route: string): Promise<SimPhone> {
    this.mp?.close();
    this.mp = Miniprogram.launch({ dist: this.dist, openid, cloud: this.cloud });
    this.launches.push(this.mp);
    await this.mp.open(route);
    return new SimPhone(this.mp);
  }

  async api<T>(action: string, body: object, openid: string): Promise<T> {
    const reply = (await this.cloud.backend.afterSale(openid, { action, ...body })).body as ApiReply<T>;
    if (!reply.ok) throw new Error(`${action}: ${reply.error.code} ${reply.error.message}`);
    return reply.data;
  }

  async step<T>(name: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (this.mp) {
        fs.mkdirSync(ARTIFACTS, { recursive: true });
        let page = '';
        try {
          page = this.mp.root().outerHTML;
        } catch {
          page = '(no page open)';
        }
        fs.writeFileSync(path.join(ARTIFACTS, `weapp-${name}.html`), page);
        fs.writeFileSync(path.join(ARTIFACTS, `weapp-${name}.json`), JSON.stringify({ recorded: this.mp.recorded, calls: this.cloud.calls.slice(-20), cloudFailures: this.cloud.failures }, null, 2));
      }
      throw e;
    }
  }

  async close(): Promise<void> {
    this.mp?.close();
    await this.cloud.close();
    this.dom.restore();
  }
}
