// The official JS client"s core authentication methods (node run.cjs auth_core).
"use strict";

exports.expected = [
  "auth_core.registerByEmail",
  "auth_core.mgmt.users.list",
  "auth_core.loginByEmail",
  "auth_core.getCurrentUser",
];

exports.flow = async (s, h) => {
  const email = `${h.unique("js-")}@example.com`;
  const password = h.PASSWORD;
  const auth = h.authenticationClient();
  const mgmt = h.managementClient();

  const user = await h.step(
    "auth_core.registerByEmail",
    () => auth.registerByEmail(email, password),
    (u) => u.id && u.email === email,
  );
  await h.step(
    "auth_core.mgmt.users.list",
    () => mgmt.users.list(1, 10),
    (page) => page.totalCount >= 1 && page.list.some((u) => u.id === user.id),
  );
  await h.step(
    "auth_core.loginByEmail",
    () => auth.loginByEmail(email, password),
    (u) => u.id === user.id && u.token,
  );
  await h.step(
    "auth_core.getCurrentUser",
    () => auth.getCurrentUser(),
    (u) => u !== null && u.id === user.id && u.email === email,
  );
};
