// The official JS client's top-level ManagementClient methods (node run.cjs management_client).
"use strict";

exports.expected = [
  "management_client.sendEmail",
  "management_client.checkLoginStatus",
  "management_client.checkLoginStatus.fetchUserDetail",
  "management_client.isPasswordValid",
  "management_client.isPasswordValid.weak",
  "management_client.setLang",
  "management_client.makeGraphqlRequest",
  "management_client.makeRestRequest",
];

exports.flow = async (s, h) => {
  const mgmt = h.managementClient();
  const auth = h.authenticationClient();
  const email = `${h.unique("js-mc-")}@example.com`;

  await h.step(
    "management_client.sendEmail",
    () => mgmt.sendEmail(email, "VERIFY_EMAIL"),
    (r) => r.code === 200 && r.message === "发送成功",
  );
  const user = await mgmt.users.create({ email, password: h.PASSWORD });
  const logged = await auth.loginByEmail(email, h.PASSWORD);
  // JS decodes the token locally (no request): the token's data claim.
  await h.step(
    "management_client.checkLoginStatus",
    () => mgmt.checkLoginStatus(logged.token),
    (data) => data.id === user.id && data.userPoolId === s.user_pool_id,
  );
  await h.step(
    "management_client.checkLoginStatus.fetchUserDetail",
    () => mgmt.checkLoginStatus(logged.token, { fetchUserDetail: true }),
    (u) => u.id === user.id && u.email === email,
  );
  await h.step(
    "management_client.isPasswordValid",
    () => mgmt.isPasswordValid("long-enough-1"),
    (r) => r.valid === true && typeof r.message === "string",
  );
  await h.step(
    "management_client.isPasswordValid.weak",
    () => mgmt.isPasswordValid("abc"),
    (r) => r.valid === false && r.message.length > 0,
  );
  await h.step(
    "management_client.setLang",
    async () => {
      mgmt.setLang("en-US");
      try {
        await mgmt.users.detail("000000000000000000000000");
      } catch (err) {
        return err;
      }
      return null;
    },
    (err) => err && err.code === 2004 && err.message === "The user does not exist",
  );
  await h.step(
    "management_client.makeGraphqlRequest",
    () =>
      mgmt.makeGraphqlRequest({
        query: "query isUserExists($email: String) { isUserExists(email: $email) }",
        variables: { email },
      }),
    (data) => data.isUserExists === true,
  );
  await h.step(
    "management_client.makeRestRequest",
    () => mgmt.makeRestRequest({ method: "GET", url: `${s.host}/api/v2/users/${user.id}` }),
    (u) => u.id === user.id && u.email === email,
  );
};
