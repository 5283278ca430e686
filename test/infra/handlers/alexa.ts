// Stand-in for functions/alexa.ts in the stack tests.
export const handler = async () => ({ event: { header: { name: 'Response' }, payload: {} } });
