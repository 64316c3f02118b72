#!/usr/bin/env node
// vigie: the appliance's command line. Sources run through tsx, so a checkout needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src-main/cli.ts');
