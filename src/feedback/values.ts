import type { FeedbackValueKind } from './layout.js';

export type Checked = { ok: true } | { ok: false; problem: string };

const WHOLE = /^[+-]?\d+(\.0*)?$/;
const DATE_TIME = /^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2}):(\d{2})(\.\d+)?$/;
const CLOCK = /^(\d{1,2}):(\d{2}):(\d{2})(\.\d+)?$/;

/** Whether `raw` is a usable value of this kind; the problem, said for an analyst, when it is not. */
export function checkValue(kind: FeedbackValueKind, raw: string): Checked {
  const v = raw.trim();
  switch (kind) {
    case 'rating':
      if (!WHOLE.test(v)) return bad(`rating "${raw}" is not a number`);
      return [1, 2, 3].includes(Number(v)) ? good : bad(`rating ${v} is not 1, 2 or 3`);
    case 'int':
    case 'long':
      return WHOLE.test(v) && Number.isSafeInteger(Number(v)) ? good : bad(`"${raw}" is not a whole number`);
    case 'dateTime': {
      const m = DATE_TIME.exec(v);
      return m && validClock(m[4], m[5], m[6]) && +m[2] >= 1 && +m[2] <= 12 && +m[3] >= 1 && +m[3] <= 31
        ? good
        : bad(`time "${raw}" is not YYYY-MM-DD HH:MM:SS`);
    }
    case 'clockTime': {
      const m = CLOCK.exec(v);
      return m && validClock(m[1], m[2], m[3]) ? good : bad(`time "${raw}" is not HH:MM:SS`);
    }
    case 'tsharkTime': {
      const m = CLOCK.exec(v.split(/\s+/)[3] ?? '');
      return m && validClock(m[1], m[2], m[3]) ? good : bad(`time "${raw}" is not like "May  12 2015 11:32:45.543421000 UTC"`);
    }
    case 'text':
    case 'ignored':
      return good;
  }
}

function validClock(h: string, m: string, s: string): boolean {
  return +h <= 23 && +m <= 59 && +s <= 59;
}

const good: Checked = { ok: true };
const bad = (problem: string): Checked => ({ ok: false, problem });
