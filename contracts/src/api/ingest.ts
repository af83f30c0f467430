import { z } from 'zod';

export const IngestIssue = z.object({
  path: z.string().describe('where in the event, e.g. data.end or data.slots[0].code'),
  message: z.string(),
});

export const IngestItemResult = z
  .object({
    index: z.number().int().describe('1-based number of the event in the request'),
    line: z.number().int().optional().describe('1-based line number in an NDJSON body'),
    id: z.string().optional().describe('the event id, when one was given'),
    status: z.enum(['appended', 'duplicate', 'rejected', 'conflict', 'not-stored']).describe(
      'appended: stored now; duplicate: the same id and content was stored before; rejected: invalid (see errors); conflict: the id is stored with other content; not-stored: valid, but an atomic request failed on another event',
    ),
    position: z.number().int().optional().describe('global log position (appended, duplicate, conflict)'),
    errors: z.array(IngestIssue).optional(),
  })
  .meta({ id: 'IngestItemResult' });

export const IngestResponse = z
  .object({
    atomic: z.boolean(),
    received: z.number().int(),
    appended: z.number().int(),
    duplicates: z.number().int(),
    rejected: z.number().int(),
    conflicts: z.number().int(),
    notStored: z.number().int(),
    position: z.number().int().describe('the store position after this request'),
    results: z.array(IngestItemResult),
  })
  .meta({ id: 'IngestResponse' });
export type IngestResponse = z.infer<typeof IngestResponse>;
export type IngestItemResult = z.infer<typeof IngestItemResult>;

export const IngestQuery = z.object({
  atomic: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true')
    .describe('true: nothing is stored unless every event is valid'),
});

export const ErrorResponse = z
  .object({
    statusCode: z.number().int(),
    error: z.string(),
    message: z.string(),
    line: z.number().int().optional(),
  })
  .meta({ id: 'ErrorResponse' });
