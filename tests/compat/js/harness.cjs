// What every official-JS-client flow shares: steps, expected errors, clients, settings.
// A flow module beside this file exports `expected` (step names) and `async flow(s, h)`, where
// `h` is this module; run.cjs runs one and prints its JSON line.
"use strict";

const crypto = require("node:crypto");
const { AuthenticationClient, ManagementClient } = require("authing-js-sdk");

const settings = JSON.parse(process.env.AIOAUTHING_COMPAT_SETTINGS || "null");
const steps = [];
const PASSWORD = "Passw0rd!";

class StepFailed extends Error {
  constructor(step, error) {
    super(`${step}: ${error}`);
    this.step = step;
    this.error = error;
  }
}

// Run fn(), then check(result) must be truthy.
async function step(name, fn, check) {
  let result;
  try {
    result = await fn();
  } catch (err) {
    const detail = err && err.stack ? err.stack : JSON.stringify(err);
    throw new StepFailed(name, `${detail}`);
  }
  let ok = false;
  try {
    ok = check(result);
  } catch (err) {
    ok = false;
  }
  if (!ok) throw new StepFailed(name, `unexpected result ${JSON.stringify(result)}`);
  steps.push(name);
  return result;
}

// fn() must reject with an error whose business code is `code`; returns the error.
async function expectCode(name, fn, code) {
  let result;
  try {
    result = await fn();
  } catch (err) {
    if (!err || err.code !== code) {
      throw new StepFailed(name, `expected error ${code}, got ${JSON.stringify(err)}`);
    }
    steps.push(name);
    return err;
  }
  throw new StepFailed(name, `expected error ${code}, got ${JSON.stringify(result)}`);
}

// fn() must reject with 1636 (MFA required) carrying data.mfaToken: JS throws {code, message,
// data}, so the MFA token of a 1636 answer reaches the app. Returns the data.
async function mfaRequired(name, fn) {
  const err = await expectCode(name, fn, 1636);
  if (!err.data || !err.data.mfaToken) {
    steps.pop();
    throw new StepFailed(name, `expected 1636 with data.mfaToken, got ${JSON.stringify(err)}`);
  }
  return err.data;
}

// POST to the emulator's admin driver /__emulator__/<path>?pool=... (test set-up only).
async function admin(path, body) {
  const s = settings;
  const response = await fetch(`${s.host}/__emulator__/${path}?pool=${s.user_pool_id}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const answer = await response.json();
  if (response.status !== 200) throw new Error(`${path}: ${JSON.stringify(answer)}`);
  return answer;
}

function authenticationClient() {
  const s = settings;
  return new AuthenticationClient({
    appId: s.app_id,
    appHost: s.host,
    userPoolId: s.user_pool_id,
    publicKey: s.public_key,
  });
}

function managementClient() {
  const s = settings;
  return new ManagementClient({
    userPoolId: s.user_pool_id,
    secret: s.secret,
    host: s.host,
    publicKey: s.public_key,
  });
}

// prefix plus 8 random hex digits: names that never collide between runs.
function unique(prefix) {
  return `${prefix}${crypto.randomBytes(4).toString("hex")}`;
}

function base32(secret) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const ch of secret.replace(/=+$/, "").toUpperCase()) {
    bits += alphabet.indexOf(ch).toString(2).padStart(5, "0");
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

// RFC 6238: HMAC-SHA1 over the 30 s counter, 6 digits (node's crypto; no extra package).
function totp(secret) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / 30)));
  const digest = crypto.createHmac("sha1", base32(secret)).update(counter).digest();
  const offset = digest[digest.length - 1] & 0x0f;
  const number = (digest.readUInt32BE(offset) & 0x7fffffff) % 1000000;
  return String(number).padStart(6, "0");
}

module.exports = {
  PASSWORD,
  StepFailed,
  admin,
  authenticationClient,
  expectCode,
  managementClient,
  mfaRequired,
  settings,
  step,
  steps,
  totp,
  unique,
};
