// The official JS client's QR-code sign-in, one client per scene (node run.cjs auth_qrcode).
"use strict";

const SCENES = ["APP_AUTH", "WXAPP_AUTH", "WECHATMP_AUTH"];
exports.expected = [
  ...SCENES.flatMap((scene) =>
    [
      "geneCode",
      "checkStatus.new",
      "checkStatus.scanned",
      "checkStatus.confirmed",
      "exchangeUserInfo",
      "ticketSpent",
    ].map((name) => `auth_qrcode.${scene}.${name}`),
  ),
  "auth_qrcode.startPolling",
  "auth_qrcode.startPolling.exchangeUserInfo",
  "auth_qrcode.checkStatus.cancelled",
  "auth_qrcode.checkStatus.unknown",
];

exports.flow = async (s, h) => {
  const email = `${h.unique("js-qr-")}@example.com`;
  const user = await h.authenticationClient().registerByEmail(email, h.PASSWORD);
  // QR-code sign-in, one client per scene (JS qrcode, wxqrcode, wechatmpqrcode).
  for (const [scene, qr] of [
    ["APP_AUTH", h.authenticationClient().qrcode],
    ["WXAPP_AUTH", h.authenticationClient().wxqrcode],
    ["WECHATMP_AUTH", h.authenticationClient().wechatmpqrcode],
  ]) {
    const code = await h.step(
      `auth_qrcode.${scene}.geneCode`,
      () => qr.geneCode(),
      (c) => c.random && c.url.startsWith("data:image/png;base64,"),
    );
    await h.step(
      `auth_qrcode.${scene}.checkStatus.new`,
      () => qr.checkStatus(code.random),
      (st) => st.random === code.random && st.status === 0,
    );
    await h.admin("qrcode/scan", { random: code.random, userId: user.id });
    await h.step(
      `auth_qrcode.${scene}.checkStatus.scanned`,
      () => qr.checkStatus(code.random),
      (st) => st.status === 1 && st.userInfo && "nickname" in st.userInfo && st.userInfo.photo,
    );
    await h.admin("qrcode/confirm", { random: code.random });
    const confirmed = await h.step(
      `auth_qrcode.${scene}.checkStatus.confirmed`,
      () => qr.checkStatus(code.random),
      (st) => st.status === 2 && st.ticket,
    );
    await h.step(
      `auth_qrcode.${scene}.exchangeUserInfo`,
      () => qr.exchangeUserInfo(confirmed.ticket),
      (u) => u.id === user.id && u.email === email && u.token,
    );
    await h.expectCode(
      `auth_qrcode.${scene}.ticketSpent`,
      () => qr.exchangeUserInfo(confirmed.ticket),
      2241,
    );
  }

  // startPolling: the official polling loop sees scan, then success with the ticket.
  const qr = h.authenticationClient().qrcode;
  const code = await qr.geneCode();
  const polled = await h.step(
    "auth_qrcode.startPolling",
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
            h.admin("qrcode/confirm", { random: code.random }).catch(reject);
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
        h.admin("qrcode/scan", { random: code.random, userId: user.id }).catch(reject);
      }),
    (r) => r.ticket && r.seen.join(",").endsWith("1,2"),
  );
  await h.step(
    "auth_qrcode.startPolling.exchangeUserInfo",
    () => qr.exchangeUserInfo(polled.ticket),
    (u) => u.id === user.id && u.token,
  );
  const cancelled = await qr.geneCode();
  await h.admin("qrcode/scan", { random: cancelled.random, userId: user.id });
  await h.admin("qrcode/cancel", { random: cancelled.random });
  await h.step(
    "auth_qrcode.checkStatus.cancelled",
    () => qr.checkStatus(cancelled.random),
    (st) => st.status === 3 && !st.ticket,
  );
  await h.expectCode("auth_qrcode.checkStatus.unknown", () => qr.checkStatus("no-such-code"), 2241);
};
