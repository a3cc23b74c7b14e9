// The official JS client's principal (real-name) authentication (node run.cjs principal_auth).
"use strict";

exports.expected = [
  "principal_auth.users.create",
  "principal_auth.detail.none",
  "principal_auth.authenticate.refused",
  "principal_auth.authenticate",
  "principal_auth.detail",
];

exports.flow = async (s, h) => {
  const mgmt = h.managementClient();
  const person = await h.step(
    "principal_auth.users.create",
    () => mgmt.users.create({ username: h.unique("principal_") }),
    (u) => u.id,
  );
  await h.step(
    "principal_auth.detail.none",
    () => mgmt.principal.detail(person.id),
    (d) => !d,
  );
  await h.expectCode(
    "principal_auth.authenticate.refused",
    () =>
      mgmt.principal.authenticate(person.id, {
        type: "P",
        name: "Ada",
        idCard: "11010519491231002X",
        bankCard: "4111111111111112",
      }),
    400,
  );
  await h.step(
    "principal_auth.authenticate",
    () =>
      mgmt.principal.authenticate(person.id, {
        type: "P",
        name: "Ada",
        idCard: "11010519491231002X",
        bankCard: "4111111111111111",
      }),
    (r) => r === true,
  );
  await h.step(
    "principal_auth.detail",
    () => mgmt.principal.detail(person.id),
    (d) => d && d.userId === person.id && d.principalType === "P",
  );
};
