import { z } from 'zod';

/**
 * Mainland China mobile numbers as people type them: "13812345678", "+86 138 1234 5678",
 * "0086-138-1234-5678", "(+86) 138 1234 5678". Returns E.164 ("+8613812345678") or null.
 */
export function normalizePhone(raw: string): string | null {
  let digits = raw.trim().replace(/[\s\-().]/g, '');
  if (digits.startsWith('+86')) digits = digits.slice(3);
  else if (digits.startsWith('0086')) digits = digits.slice(4);
  else if (digits.length === 13 && digits.startsWith('86')) digits = digits.slice(2);
  return /^1[3-9]\d{9}$/.test(digits) ? `+86${digits}` : null;
}

/** Input validation for a phone number: accepts it as typed, yields E.164. */
export const phoneInput = z
  .string()
  .max(40, 'phone is too long')
  .transform((raw, ctx) => {
    const normalized = normalizePhone(raw);
    if (!normalized) {
      ctx.addIssue({
        code: 'custom',
        message: 'phone must be a mainland mobile number, e.g. 13812345678 or +86 138 1234 5678',
      });
      return z.NEVER;
    }
    return normalized;
  });
