/**
 * Signs an account in on the sim's OAuth login page without a browser, as its form would be
 * posted, and answers the address the page sends the browser back to (with `code`, `region`
 * and `state`, or `error`). For `npm start` and the benchmarks, which link the demo account
 * through the page; tests drive the page in a real browser or post its form themselves.
 *
 * @example
 * const landing = await signInOnLoginPage((await bridge.accounts.startOAuth('default')).url, 'demo@example.com', 'demo-password');
 */
export async function signInOnLoginPage(loginUrl: string, login: string, password: string): Promise<URL> {
  const form = new URLSearchParams({ login, password, decision: 'allow' });
  const res = await fetch(loginUrl, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
  const location = res.headers.get('location');
  if (!location) throw new Error(`the simulated login page sent nobody back (HTTP ${res.status}): wrong login or password?`);
  return new URL(location);
}
