// The official JS client's MFA administration (node run.cjs mfa): MFAManagementClient's
// getStatus, importTotp and unAssociateMfa, observed by the user's own MFA login.
"use strict";

exports.expected = [
  "mfa.getStatus.none",
  "mfa.importTotp",
  "mfa.getStatus.otp",
  "mfa.loginByEmail.needsMfa",
  "mfa.verifyTotpMfa.importedSecret",
  "mfa.unAssociateMfa.OTP",
  "mfa.getStatus.afterUnbind",
  "mfa.loginByEmail.stillNeedsMfa",
  "mfa.verifyTotpMfa.unbound",
  "mfa.unAssociateMfa.FACE",
  "mfa.getStatus.unknownUser",
];

exports.flow = async (s, h) => {
  const mgmt = h.managementClient();
  const auth = h.authenticationClient();
  const email = `${h.unique("js-mfa-admin-")}@example.com`;
  const user = await mgmt.users.create({ email, password: h.PASSWORD });
  const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
  await h.step(
    "mfa.getStatus.none",
    () => mgmt.mfa.getStatus(user.id),
    (st) => st.OTP === false && st.FACE === false,
  );
  await h.step(
    "mfa.importTotp",
    () => mgmt.mfa.importTotp(user.id, secret, "RECOVER-JS-1"),
    (r) =>
      r.userId === user.id &&
      r.secret === secret &&
      r.enable === true &&
      r.authenticatorType === "totp" &&
      r.recoveryCode === "RECOVER-JS-1" &&
      r.id,
  );
  await h.step(
    "mfa.getStatus.otp",
    () => mgmt.mfa.getStatus(user.id),
    (st) => st.OTP === true && st.FACE === false,
  );
  const first = await h.mfaRequired("mfa.loginByEmail.needsMfa", () =>
    auth.loginByEmail(email, h.PASSWORD),
  );
  await h.step(
    "mfa.verifyTotpMfa.importedSecret",
    () => auth.mfa.verifyTotpMfa({ totp: h.totp(secret), mfaToken: first.mfaToken }),
    (u) => u.id === user.id && u.token,
  );
  await h.step(
    "mfa.unAssociateMfa.OTP",
    () => mgmt.mfa.unAssociateMfa(user.id, "OTP"),
    (r) => r === true,
  );
  await h.step(
    "mfa.getStatus.afterUnbind",
    () => mgmt.mfa.getStatus(user.id),
    (st) => st.OTP === false && st.FACE === false,
  );
  const second = await h.mfaRequired("mfa.loginByEmail.stillNeedsMfa", () =>
    auth.loginByEmail(email, h.PASSWORD),
  );
  await h.expectCode(
    "mfa.verifyTotpMfa.unbound",
    () => auth.mfa.verifyTotpMfa({ totp: h.totp(secret), mfaToken: second.mfaToken }),
    6001,
  );
  await h.step(
    "mfa.unAssociateMfa.FACE",
    () => mgmt.mfa.unAssociateMfa(user.id, "FACE"),
    (r) => r === true,
  );
  await h.expectCode(
    "mfa.getStatus.unknownUser",
    () => mgmt.mfa.getStatus("000000000000000000000000"),
    2004,
  );
};
