/** What the cloud functions read of the platform's context (getWXContext, the SCF context). */

export interface WxContextSource {
  /** SOURCE: what triggered this run (wx_client, wx_trigger, wx_paycallback, scf, …; chained with commas). */
  getWXContext(): { OPENID?: string | number; SOURCE?: string | number };
}

/** The SCF context handed to `main` (only what is read here). */
export interface FunctionContext {
  time_limit_in_ms?: number;
}

/** The caller's openid as the platform vouches for it; absent for timers, callbacks and console runs. */
export function callerOpenid(cloud: WxContextSource): string | undefined {
  const { OPENID } = cloud.getWXContext();
  return OPENID === undefined || OPENID === '' ? undefined : String(OPENID);
}
