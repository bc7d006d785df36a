/** Where a session lands (issue 17): 我的订单 sends a shop or platform identity on once, unless the app opened elsewhere. */
type Routes = typeof import('../routes');

function freshRoutes(): Routes {
  let mod: Routes | undefined;
  jest.isolateModules(() => {
    mod = jest.requireActual<Routes>('../routes');
  });
  return mod as Routes;
}

describe('firstLanding', () => {
  it('is true once for a session opened on 我的订单 (or on no page at all)', () => {
    for (const start of ['', 'pages/index/index', '/pages/index/index?from=share']) {
      const r = freshRoutes();
      r.launchedOn(start);
      expect([r.firstLanding(), r.firstLanding()]).toEqual([true, false]);
    }
  });

  it('is never true for a session opened on another page, or after the sign-in page chose where to go', () => {
    for (const start of ['merchant/pages/panel/index', '/pages/case/index?id=AS1', 'pages/dev-login/index']) {
      const r = freshRoutes();
      r.launchedOn(start);
      expect(r.firstLanding()).toBe(false);
    }
    const signedIn = freshRoutes();
    signedIn.markLanded();
    expect(signedIn.firstLanding()).toBe(false);
  });

  it('each role starts on its own page', () => {
    const r = freshRoutes();
    expect(['BUYER', 'OWNER', 'STAFF', 'PLATFORM'].map((role) => r.homeFor(role as 'BUYER'))).toEqual([
      '/pages/index/index',
      '/merchant/pages/panel/index',
      '/merchant/pages/panel/index',
      '/merchant/pages/platform/index',
    ]);
  });
});
