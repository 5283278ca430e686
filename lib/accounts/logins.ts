import type { LoginIdentity } from '../ewelink/client';

/** An e-mail address as eWeLink takes it for a login. */
export const EMAIL_LOGIN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** A phone number as eWeLink takes it for a login: `+`, the country code, the number (E.164). */
export const PHONE_LOGIN = /^\+[1-9][0-9]{5,14}$/;

/**
 * The login an e-mail address or phone number names, or why it cannot be one.
 *
 * @example
 * loginIdentity('+447700900123') // { phoneNumber: '+447700900123' }
 * loginIdentity('me@example.com') // { email: 'me@example.com' }
 */
export function loginIdentity(login: string): LoginIdentity | undefined {
  if (PHONE_LOGIN.test(login)) return { phoneNumber: login };
  if (EMAIL_LOGIN.test(login) && login.length <= 254) return { email: login };
  return undefined;
}

/**
 * Whether two logins name the same eWeLink account: e-mail addresses compare without regard to
 * case, phone numbers as written.
 *
 * @example
 * sameLogin('Me@Example.com', 'me@example.com') // true
 */
export function sameLogin(a: string, b: string): boolean {
  return a === b || (EMAIL_LOGIN.test(a) && a.toLowerCase() === b.toLowerCase());
}
