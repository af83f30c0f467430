import type { z } from 'zod';

const HOUR_MS = 3_600_000;

/** Adds "end must be after start" and a maximum length to an object schema with start/end instants. */
export function checkInterval(maxHours: number | null) {
  return (value: { start: string; end: string }, ctx: z.core.$RefinementCtx) => {
    const start = Date.parse(value.start);
    const end = Date.parse(value.end);
    if (!(end > start)) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: 'end must be after start' });
      return;
    }
    if (maxHours !== null && end - start > maxHours * HOUR_MS) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: `the interval cannot be longer than ${maxHours} h` });
    }
  };
}

export function intervalHours(start: string, end: string): number {
  return (Date.parse(end) - Date.parse(start)) / HOUR_MS;
}
