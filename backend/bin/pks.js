#!/usr/bin/env node
// The PKS command line; built from backend/src/cli (run `npm run build` first, `npm start` does).
import '../dist/cli/main.js';
