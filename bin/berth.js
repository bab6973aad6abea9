#!/usr/bin/env node
// The package's bin: the compiled CLI entry. `npm install` builds dist/ (scripts/build.mjs).
import '../dist/agent/main.js';
