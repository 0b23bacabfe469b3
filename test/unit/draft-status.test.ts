import { describe, expect, it } from 'vitest';
import { DRAFT_STATUSES, parseStatusList } from '../../src/core/decisions/records.js';
import { UsageError } from '../../src/core/errors.js';

describe('parseStatusList (--status of review and export)', () => {
  it('takes a comma-separated list, spaces and repeats allowed', () => {
    expect([...parseStatusList('skipped, failed,skipped')]).toEqual(['skipped', 'failed']);
    expect([...parseStatusList(DRAFT_STATUSES.join(','))]).toEqual([...DRAFT_STATUSES]);
  });

  it('names an unknown status and lists the known ones', () => {
    expect(() => parseStatusList('approved,sent')).toThrow(UsageError);
    expect(() => parseStatusList('approved,sent')).toThrow(/unknown status "sent" in --status/);
    const err = (() => {
      try {
        parseStatusList('sent');
      } catch (e) {
        return e as UsageError;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(UsageError);
    expect(err!.hint).toBe('use one or more of drafted, approved, skipped, failed, excluded, comma-separated.');
    expect(err!.exitCode).toBe(2);
  });

  it('says `edited` is no longer a status (an edit is a version, drafted until approved)', () => {
    expect(() => parseStatusList('edited')).toThrow(/`edited` is no longer a status/);
  });

  it('refuses a list with no status in it', () => {
    expect(() => parseStatusList(' , ')).toThrow(/names no status/);
  });
});
