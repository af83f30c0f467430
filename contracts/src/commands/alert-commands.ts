import { z } from 'zod';
import { AlertRow } from '../read-models/alerts.js';

/** POST /api/v1/alerts/{alertId}/acknowledge: take ownership of an alert (it stops escalating). */
export const AcknowledgeAlertBody = z
  .strictObject({
    note: z.string().max(1000).optional().describe('what you will do'),
  })
  .meta({ id: 'AcknowledgeAlertBody' });
export type AcknowledgeAlertBody = z.infer<typeof AcknowledgeAlertBody>;

/** POST /api/v1/alerts/{alertId}/resolve: close an alert by hand, with a note. */
export const ResolveAlertBody = z
  .strictObject({
    note: z.string().min(1, 'a manual resolution needs a note').max(1000),
  })
  .meta({ id: 'ResolveAlertBody' });
export type ResolveAlertBody = z.infer<typeof ResolveAlertBody>;

export const AlertCommandRejectionCode = z.enum(['unknown-alert', 'outside-scope', 'already-resolved', 'already-acknowledged', 'concurrent-change']);
export type AlertCommandRejectionCode = z.infer<typeof AlertCommandRejectionCode>;

export const AlertCommandResponse = z
  .object({
    status: z.enum(['appended', 'duplicate']).describe('duplicate: the same command was applied before (nothing appended)'),
    eventId: z.string(),
    position: z.number().int(),
    alert: AlertRow.describe('the alert after the command'),
  })
  .meta({ id: 'AlertCommandResponse' });
export type AlertCommandResponse = z.infer<typeof AlertCommandResponse>;
