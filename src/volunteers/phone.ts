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
