import { useCallback, useRef } from 'react';
import { useApp } from '../app/app-context';
import { IdempotencyKeys, sendCommand, type CommandOutcome, type StaffingCommand } from './commands';
import { postCommandWith } from './staffing-api';

/** send(command, body): one user action; a retry of an action that got no answer sends the same idempotency key. */
export function useStaffingCommand(): (command: StaffingCommand, body: Record<string, unknown>) => Promise<CommandOutcome> {
  const { session } = useApp();
  const keys = useRef(new IdempotencyKeys());
  return useCallback((command, body) => sendCommand(keys.current, command, body, postCommandWith(session.token)), [session.token]);
}
