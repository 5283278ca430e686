/*
 * The HTML of the sim's OAuth 2.0 login page: plain pages and a plain form POST, so that any
 * browser (headless or not) can drive it without scripts.
 */

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title></head>`,
    `<body>${body}</body>`,
    '</html>',
  ].join('\n');
}

/** The page shown instead of the form when the link itself is wrong: nobody is sent anywhere. */
export function errorPage(problem: string): string {
  return page(
    'eWeLink sign-in: bad request',
    `<h1>This sign-in link is not valid</h1>\n<p id="problem">${escapeHtml(problem)}</p>\n<p>Nothing was shared with the app. Start again from the app that sent you here.</p>`,
  );
}

/**
 * The sign-in form. It posts back to the same address (`action`, the page with its query), so
 * the query is checked again on submit; the Deny button sends `decision=deny`.
 */
export function signInForm(action: string, appName: string, complaint?: string): string {
  return page(
    'eWeLink sign-in (simulated)',
    [
      '<h1>Sign in to eWeLink</h1>',
      `<p>The app <strong id="client">${escapeHtml(appName)}</strong> asks to control your devices.</p>`,
      complaint === undefined ? '' : `<p id="complaint" role="alert">${escapeHtml(complaint)}</p>`,
      `<form method="post" action="${escapeHtml(action)}">`,
      '<p><label for="login">E-mail or phone number</label><br><input id="login" name="login" type="text" autocomplete="username" required></p>',
      '<p><label for="password">Password</label><br><input id="password" name="password" type="password" autocomplete="current-password" required></p>',
      '<p><button id="allow" type="submit" name="decision" value="allow">Sign in and allow</button>',
      ' <button id="deny" type="submit" name="decision" value="deny" formnovalidate>Deny</button></p>',
      '</form>',
    ].join('\n'),
  );
}
