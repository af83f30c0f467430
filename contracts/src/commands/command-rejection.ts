import { z } from 'zod';

/** The answer to a rejected command: the error shape of every route plus the rule that rejected it. */
export const CommandRejection = z
  .object({
    statusCode: z.number().int(),
    error: z.string(),
    message: z.string().describe('what was wrong, in words (never an absence reason)'),
    code: z.string().describe('machine-readable rejection, e.g. double-booking, daily-rest, weekly-cap, slot-ended, outside-scope, unknown-gap'),
    rule: z.string().nullable().describe('the working-time or scope rule that was broken, when one was'),
  })
  .meta({ id: 'CommandRejection' });
export type CommandRejection = z.infer<typeof CommandRejection>;
