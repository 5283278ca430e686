// Stand-in for functions/refresh-tokens.ts in the stack tests.
export const handler = async () => 'refreshed';
