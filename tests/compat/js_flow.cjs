// Drive Authing's OFFICIAL JS client (authing-js-sdk 4.23.55, unchanged) against the emulator.
//
//   NODE_PATH=<folder with node_modules> AIOAUTHING_COMPAT_SETTINGS='{...}' node js_flow.cjs
//
// The settings are the authing_pool fixture's fields as JSON. Prints ONE JSON line
// {"ok": true, "steps": [...]} or {"ok": false, "step", "error", "passed"} (exit status 1).
"use strict";

const { AuthenticationClient, ManagementClient } = require("authing-js-sdk");

const s = JSON.parse(process.env.AIOAUTHING_COMPAT_SETTINGS || process.argv[2]);
const steps = [];

class StepFailed extends Error {
  constructor(step, error) {
    super(`${step}: ${error}`);
    this.step = step;
    this.error = error;
  }
}

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

async function expectError(name, fn, code) {
  try {
    const result = await fn();
    throw new StepFailed(name, `expected error ${code}, got ${JSON.stringify(result)}`);
  } catch (err) {
    if (err instanceof StepFailed) throw err;
    if (!err || err.code !== code) {
      throw new StepFailed(name, `expected error ${code}, got ${JSON.stringify(err)}`);
    }
  }
  steps.push(name);
}

async function admin(path, body) {
  const response = await fetch(`${s.host}/__emulator__/${path}?pool=${s.user_pool_id}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const answer = await response.json();
  if (response.status !== 200) throw new Error(`${path}: ${JSON.stringify(answer)}`);
  return answer;
}

function client() {
  return new AuthenticationClient({
    appId: s.app_id,
    appHost: s.host,
    userPoolId: s.user_pool_id,
    publicKey: s.public_key,
  });
}

async function main() {
  const tag = Math.random().toString(16).slice(2, 10);
  const email = `js-${tag}@example.com`;
  const password = "Passw0rd!";
  const auth = client();
  const mgmt = new ManagementClient({
    userPoolId: s.user_pool_id,
    secret: s.secret,
    host: s.host,
    publicKey: s.public_key,
  });

  const user = await step(
    "auth.registerByEmail",
    () => auth.registerByEmail(email, password),
    (u) => u.id && u.email === email,
  );
  await step(
    "mgmt.users.list",
    () => mgmt.users.list(1, 10),
    (page) => page.totalCount >= 1 && page.list.some((u) => u.id === user.id),
  );
  await step(
    "auth.loginByEmail",
    () => auth.loginByEmail(email, password),
    (u) => u.id === user.id && u.token,
  );
  await step(
    "auth.getCurrentUser",
    () => auth.getCurrentUser(),
    (u) => u !== null && u.id === user.id && u.email === email,
  );

  // QR-code sign-in, one client per scene (JS qrcode, wxqrcode, wechatmpqrcode).
  for (const [scene, qr] of [
    ["APP_AUTH", client().qrcode],
    ["WXAPP_AUTH", client().wxqrcode],
    ["WECHATMP_AUTH", client().wechatmpqrcode],
  ]) {
    const code = await step(
      `qrcode.${scene}.geneCode`,
      () => qr.geneCode(),
      (c) => c.random && c.url.startsWith("data:image/png;base64,"),
    );
    await step(
      `qrcode.${scene}.checkStatus.new`,
      () => qr.checkStatus(code.random),
      (st) => st.random === code.random && st.status === 0,
    );
    await admin("qrcode/scan", { random: code.random, userId: user.id });
    await step(
      `qrcode.${scene}.checkStatus.scanned`,
      () => qr.checkStatus(code.random),
      (st) => st.status === 1 && st.userInfo && "nickname" in st.userInfo && st.userInfo.photo,
    );
    await admin("qrcode/confirm", { random: code.random });
    const confirmed = await step(
      `qrcode.${scene}.checkStatus.confirmed`,
      () => qr.checkStatus(code.random),
      (st) => st.status === 2 && st.ticket,
    );
    await step(
      `qrcode.${scene}.exchangeUserInfo`,
      () => qr.exchangeUserInfo(confirmed.ticket),
      (u) => u.id === user.id && u.email === email && u.token,
    );
    await expectError(
      `qrcode.${scene}.ticketSpent`,
      () => qr.exchangeUserInfo(confirmed.ticket),
      2241,
    );
  }

  // startPolling: the official polling loop sees scan, then success with the ticket.
  const qr = client().qrcode;
  const code = await qr.geneCode();
  const polled = await step(
    "qrcode.startPolling",
    () =>
      new Promise((resolve, reject) => {
        const seen = [];
        const guard = setTimeout(() => reject(new Error(`no success; saw ${seen}`)), 15000);
        qr.startPolling(code.random, {
          interval: 50,
          onResult: (st) => {
            if (seen[seen.length - 1] !== st.status) seen.push(st.status);
          },
          onScanned: () => {
            admin("qrcode/confirm", { random: code.random }).catch(reject);
          },
          onSuccess: (_userInfo, ticket) => {
            clearTimeout(guard);
            resolve({ seen, ticket });
          },
          onError: (err) => {
            clearTimeout(guard);
            reject(new Error(`onError ${JSON.stringify(err)}`));
          },
        });
        admin("qrcode/scan", { random: code.random, userId: user.id }).catch(reject);
      }),
    (r) => r.ticket && r.seen.join(",").endsWith("1,2"),
  );
  await step(
    "qrcode.startPolling.exchangeUserInfo",
    () => qr.exchangeUserInfo(polled.ticket),
    (u) => u.id === user.id && u.token,
  );
  const cancelled = await qr.geneCode();
  await admin("qrcode/scan", { random: cancelled.random, userId: user.id });
  await admin("qrcode/cancel", { random: cancelled.random });
  await step(
    "qrcode.checkStatus.cancelled",
    () => qr.checkStatus(cancelled.random),
    (st) => st.status === 3 && !st.ticket,
  );
  await expectError("qrcode.checkStatus.unknown", () => qr.checkStatus("no-such-code"), 2241);
}

main().then(
  () => {
    console.log(JSON.stringify({ ok: true, steps }));
    process.exit(0);
  },
  (err) => {
    const failure = err instanceof StepFailed ? err : new StepFailed("?", String(err && err.stack));
    console.log(
      JSON.stringify({ ok: false, step: failure.step, error: failure.error, passed: steps }),
    );
    process.exit(1);
  },
);
