#!/usr/bin/env node
// `npx ewelink-bridge <command>`: loads the TypeScript CLI through tsx (a devDependency), so
// there is no build step. See cli/cli.ts, or run with --help.
import { tsImport } from 'tsx/esm/api';

const { main } = await tsImport('../cli/cli.ts', import.meta.url);
process.exit(await main(process.argv.slice(2)));
