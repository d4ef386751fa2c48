#!/usr/bin/env node
// npm `bin` entry: registers the TypeScript loader, then runs the command dispatcher.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./roi.ts');
process.exitCode = await main(process.argv.slice(2));
