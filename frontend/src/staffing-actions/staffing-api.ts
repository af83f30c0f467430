import type { StaffingCommandResponse } from '@pks/contracts';
import { apiPost } from '../api/http';
import type { PostCommand } from './commands';

/** POST /api/v1/commands/<command> with the Idempotency-Key header. */
export function postCommandWith(token: string): PostCommand {
  return (command, body, idempotencyKey) => apiPost<StaffingCommandResponse>(`commands/${command}`, token, body, { 'idempotency-key': idempotencyKey });
}
