/** The event of the `setup` function and the arguments of `shop:create` (SPEC §7). */
import { z } from 'zod';
import { DomainError } from '../../core/errors';
import { paymentSettingsSchema } from '../paymentSettings';
import type { NewShop } from '../usecases/people';

/** The least length of SETUP_SECRET: a shorter one is treated as not configured. */
export const MIN_SETUP_SECRET = 16;

const setupEvent = z.strictObject({
  secret: z.string(),
  name: z.string().trim().min(1).max(50),
  payment: paymentSettingsSchema.optional(),
  verified: z.boolean().optional(),
});

/** A new shop from the event (or the CLI's options), INVALID_INPUT naming the field otherwise. */
export function parseSetup(event: unknown): NewShop {
  const r = setupEvent.safeParse(event);
  if (!r.success) {
    const issue = r.error.issues[0];
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') path.push(issue.keys[0]);
    throw new DomainError('INVALID_INPUT', { field: path.join('.') || 'body', message: issue.message || '开店信息填写有误' });
  }
  const { secret: _secret, ...shop } = r.data;
  return shop;
}
