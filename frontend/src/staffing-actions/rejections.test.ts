import { AlertCommandRejectionCode, CandidateSource, StaffingRejectionCode, StaffingStatus } from '@pks/contracts';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/http';
import { en, sv, translate, type Language, type MessageKey } from '../i18n/dictionary';
import { EXCLUDED_CODES, excludedRuleText, REJECTION_CODES, rejectionText } from './rejections';

const tr = (language: Language) => (key: MessageKey, values?: Record<string, string | number>) => translate(language, key, values);

describe('rejections in plain words', () => {
  it('every rejection code of the contracts has a text in Swedish and English', () => {
    const codes = [...StaffingRejectionCode.options, ...AlertCommandRejectionCode.options];
    expect([...REJECTION_CODES].sort()).toEqual([...new Set(codes)].sort());
    for (const code of codes) {
      expect(sv, code).toHaveProperty([`rejection.${code}`]);
      expect(en, code).toHaveProperty([`rejection.${code}`]);
    }
    for (const code of EXCLUDED_CODES) expect(sv).toHaveProperty([`excluded.${code}`]);
  });

  it('every candidate source and gap status has a text in both languages (keys built at run time)', () => {
    const keys = [
      ...CandidateSource.options.map((c) => `source.${c}`),
      ...CandidateSource.options.filter((c) => c !== 'reallocation').map((c) => `cand.${c}`),
      ...StaffingStatus.options.map((c) => `staffingStatus.${c}`),
    ];
    for (const key of keys) {
      expect(sv, key).toHaveProperty([key]);
      expect(en, key).toHaveProperty([key]);
    }
  });

  it('a rule rejection by its code, with the server’s message as the detail', () => {
    const error = new ApiError(409, 'only 5.8 h rest before the next assignment; the rule is 11 h between assignments', 'commands/book-staff', 'daily-rest', 'daily rest');
    expect(rejectionText(tr('sv'), error)).toEqual({ text: 'Det blir för kort dygnsvila mellan passen.', detail: error.message });
    expect(rejectionText(tr('en'), error).text).toBe('There would be too little daily rest between shifts.');
    expect(rejectionText(tr('sv'), new ApiError(409, 'already', 'alerts/x/acknowledge', 'already-acknowledged')).text).toBe('Någon annan har redan kvitterat larmet.');
  });

  it('without a known code: by the status; no answer at all: the network text', () => {
    expect(rejectionText(tr('en'), new ApiError(403, 'unit C10 is outside your scope', 'x')).text).toMatch(/^Outside your scope/);
    expect(rejectionText(tr('en'), new ApiError(400, 'a command needs an idempotency key', 'x'))).toEqual({ text: 'The server did not understand the request.', detail: 'a command needs an idempotency key' });
    expect(rejectionText(tr('sv'), new ApiError(500, 'boom', 'x')).text).toContain('(500)');
    expect(rejectionText(tr('sv'), new ApiError(409, 'something new', 'x', 'brand-new-code')).text).toBe('Åtgärden avvisades.');
    expect(rejectionText(tr('sv'), new TypeError('Failed to fetch')).text).toMatch(/^Inget svar från servern/);
  });

  it('an excluded candidate’s rule', () => {
    expect(excludedRuleText(tr('sv'), 'weekly-cap')).toBe('över veckotaket för arbetstid');
    expect(excludedRuleText(tr('en'), 'staff-absent')).toBe('absent');
    expect(excludedRuleText(tr('en'), 'future-rule')).toBe('future-rule');
  });
});
