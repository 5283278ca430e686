/**
 * The AWS SDK prints a nine-line notice on every run under Node 20 ("NodeVersionSupportWarning
 * … will require node >=22"). The project supports Node 20 and knows it, so the entry points
 * that run the SDK on the reader's Node (`npm start`, the admin command, the bench) import this
 * first; a value the reader set is left as it is. The Lambda bundles never import it: they run
 * on Node 22, where the notice does not fire.
 *
 * @example
 * import '../local/node-version-notice'; // the entry point's first import
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
