import type { AlertCommandResponse } from '@pks/contracts';
import { apiPost } from '../api/http';

/** POST /api/v1/alerts/{alertId}/acknowledge: take ownership (it stops escalating). */
export function acknowledgeAlert(token: string, alertId: string, note: string): Promise<AlertCommandResponse> {
  const body = note.trim() ? { note: note.trim() } : {};
  return apiPost<AlertCommandResponse>(`alerts/${encodeURIComponent(alertId)}/acknowledge`, token, body);
}

/** POST /api/v1/alerts/{alertId}/resolve: close by hand (a note is required). */
export function resolveAlert(token: string, alertId: string, note: string): Promise<AlertCommandResponse> {
  return apiPost<AlertCommandResponse>(`alerts/${encodeURIComponent(alertId)}/resolve`, token, { note: note.trim() });
}
