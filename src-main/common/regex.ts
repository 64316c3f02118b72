/**
 * isValidRegex tells whether a user's pattern compiles, so config and API validation can refuse it at its
 * key instead of failing later where it is used.
 */
export function isValidRegex(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}
