/**
 * What a tester's fingers do on the h5 build, shared by the journeys: open a route, pick a demo
 * identity, answer a modal, wait for a bottom sheet, and a real JPEG to upload.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import type { Locator, Page } from 'playwright-core';

/** Taro's h5 router keeps the pages below in the DOM: look only at the one on top. */
export function top(page: Page): Locator {
  return page.locator('.taro_page').last();
}

export async function open(page: Page, baseUrl: string, route: string, waitFor: string | RegExp): Promise<void> {
  await page.goto(`${baseUrl}/#${route}`);
  await top(page).getByText(waitFor).first().waitFor();
}

/** What each role's start page shows once signed in: 我的订单's identity bar, the shop's panel, the platform's queue. */
export const LANDED = /^当前身份（演示）|^待审核|^待平台处理/;

/** The h5 sign-in page stands in for WeChat's identity: pick the demo person by name (or openid). */
export async function signInAs(page: Page, baseUrl: string, name: string): Promise<void> {
  await open(page, baseUrl, '/pages/dev-login/index', '选择一个演示身份');
  await top(page).getByText(name, { exact: true }).first().click();
  // A buyer lands on 我的订单, a merchant on the panel, the platform on its queue (issue 17).
  await page.waitForFunction(() => !window.location.hash.includes('dev-login'));
  await top(page).getByText(LANDED).first().waitFor();
}

/**
 * Taro's `showModal` on h5: one shared element, hidden rather than removed when answered. Its outer
 * element has no box of its own (mask and dialog are fixed), so visibility is the dialog's.
 */
export function modal(page: Page): Locator {
  return page.locator('.taro__modal .taro-modal__content').filter({ visible: true });
}

/** A NutUI bottom sheet has finished sliding in, so its screenshot is sharp and whole. */
export async function sheetOpen(page: Page, confirmText: string): Promise<void> {
  await page.locator('.m-sheet.nut-popup-slide-bottom-enter-done').getByText(confirmText).waitFor();
}

/** A toast covers the middle of the page for 1.5–2.5 s; screenshots wait until Taro has hidden it. */
export async function toastGone(page: Page): Promise<void> {
  // The toast is shown in the same tick as the result the test waited for; give it that tick.
  await page.waitForTimeout(100);
  await page.waitForFunction(() => {
    const toast = document.querySelector<HTMLElement>('.taro__toast');
    return !toast || toast.style.display === 'none' || toast.style.opacity === '0';
  }, undefined, { timeout: 10_000 });
}

export interface PhotoSpec {
  name: string;
  /** Background and the drawing's colour, so two photos of one case look different. */
  background: string;
  ink: string;
  /** What is drawn: a cracked cup, pilled fabric, or a courier's tracking screen. */
  subject: 'crack' | 'pilling' | 'tracking';
}

/** A 600×450 JPEG drawn by the browser itself, so each upload is a real picture the host sniffs as JPEG. */
export async function drawPhoto(page: Page, spec: PhotoSpec): Promise<string> {
  const dataUrl = await page.evaluate((s) => {
    const c = document.createElement('canvas');
    c.width = 600;
    c.height = 450;
    const g = c.getContext('2d') as CanvasRenderingContext2D;
    g.fillStyle = s.background;
    g.fillRect(0, 0, 600, 450);
    g.strokeStyle = s.ink;
    g.fillStyle = s.ink;
    g.lineWidth = 6;
    if (s.subject === 'crack') {
      g.fillStyle = '#fafafa';
      g.beginPath();
      g.ellipse(300, 240, 150, 170, 0, 0, Math.PI * 2);
      g.fill();
      g.beginPath();
      g.moveTo(250, 120);
      g.lineTo(290, 200);
      g.lineTo(270, 260);
      g.lineTo(320, 350);
      g.stroke();
    } else if (s.subject === 'pilling') {
      for (let i = 0; i < 120; i += 1) {
        g.beginPath();
        g.arc((i * 97) % 600, (i * 53) % 450, 4 + (i % 5), 0, Math.PI * 2);
        g.fill();
      }
    } else {
      g.font = '28px sans-serif';
      ['顺丰速运 SF1402839475610', '已揽收', '运输中', '派送异常：包裹破损'].forEach((line, i) => g.fillText(line, 40, 80 + i * 80));
    }
    return c.toDataURL('image/jpeg', 0.85);
  }, spec);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'aftersale-photo-')), `${spec.name}.jpg`);
  fs.writeFileSync(file, Buffer.from(dataUrl.split(',')[1], 'base64'));
  return file;
}
