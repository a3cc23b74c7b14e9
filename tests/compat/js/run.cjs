// Run one official-JS-client flow:
//   NODE_PATH=<folder with node_modules> AIOAUTHING_COMPAT_SETTINGS='{...}' node run.cjs MODULE
// Prints ONE JSON line {"ok": true, "steps": [...], "expected": [...]} or
// {"ok": false, "step", "error", "passed"} (exit status 1).
"use strict";

const h = require("./harness.cjs");

async function main() {
  const module = require(`./${process.argv[2]}.cjs`);
  await module.flow(h.settings, h);
  return module.expected;
}

main().then(
  (expected) => {
    console.log(JSON.stringify({ ok: true, steps: h.steps, expected }));
    process.exit(0);
  },
  (err) => {
    const failure =
      err instanceof h.StepFailed ? err : new h.StepFailed("?", String(err && err.stack));
    console.log(
      JSON.stringify({ ok: false, step: failure.step, error: failure.error, passed: h.steps }),
    );
    process.exit(1);
  },
);
