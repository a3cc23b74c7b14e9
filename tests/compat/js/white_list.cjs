// The official JS client's registration whitelist (node run.cjs white_list): list, add, remove,
// enable and disable, per type, observed by registrations.
"use strict";

exports.expected = [
  "white_list.add.USERNAME",
  "white_list.list.USERNAME",
  "white_list.enable.USERNAME",
  "white_list.userpool.usernameEnabled",
  "white_list.register.notListed",
  "white_list.register.listed",
  "white_list.register.emailWhileUsernameOn",
  "white_list.add.EMAIL",
  "white_list.enable.EMAIL",
  "white_list.register.emailNotListed",
  "white_list.register.emailListed",
  "white_list.remove.EMAIL",
  "white_list.list.EMAIL",
  "white_list.enable.PHONE",
  "white_list.disable.USERNAME",
  "white_list.disable.EMAIL",
  "white_list.disable.PHONE",
  "white_list.userpool.allOff",
  "white_list.register.afterDisable",
];

exports.flow = async (s, h) => {
  const mgmt = h.managementClient();
  const auth = h.authenticationClient();
  const listed = h.unique("listed_");
  const stranger = h.unique("stranger_");
  const okEmail = `${h.unique("ok-")}@example.com`;
  const otherEmail = `${h.unique("no-")}@example.com`;
  await h.step(
    "white_list.add.USERNAME",
    () => mgmt.whitelist.add("USERNAME", [listed]),
    (r) => r.length === 1 && r[0].value === listed,
  );
  await h.step(
    "white_list.list.USERNAME",
    () => mgmt.whitelist.list("USERNAME"),
    (r) => r.map((e) => e.value).join() === listed,
  );
  await h.step("white_list.enable.USERNAME", () => mgmt.whitelist.enable("USERNAME"), (r) => r === undefined);
  await h.step(
    "white_list.userpool.usernameEnabled",
    () => mgmt.userpool.detail(),
    (p) => p.whitelist.usernameEnabled === true && p.whitelist.emailEnabled === false,
  );
  await h.expectCode(
    "white_list.register.notListed",
    () => auth.registerByUsername(stranger, h.PASSWORD),
    2031,
  );
  await h.step(
    "white_list.register.listed",
    () => auth.registerByUsername(listed, h.PASSWORD),
    (u) => u.username === listed,
  );
  await h.step(
    "white_list.register.emailWhileUsernameOn",
    () => auth.registerByEmail(otherEmail, h.PASSWORD),
    (u) => u.email === otherEmail,
  );
  await h.step(
    "white_list.add.EMAIL",
    () => mgmt.whitelist.add("EMAIL", [okEmail]),
    (r) => r.length === 1 && r[0].value === okEmail,
  );
  await h.step("white_list.enable.EMAIL", () => mgmt.whitelist.enable("EMAIL"), (r) => r === undefined);
  await h.expectCode(
    "white_list.register.emailNotListed",
    () => auth.registerByEmail(`${h.unique("late-")}@example.com`, h.PASSWORD),
    2031,
  );
  await h.step(
    "white_list.register.emailListed",
    () => auth.registerByEmail(okEmail, h.PASSWORD),
    (u) => u.email === okEmail,
  );
  await h.step(
    "white_list.remove.EMAIL",
    () => mgmt.whitelist.remove("EMAIL", [okEmail]),
    (r) => r.length === 1 && r[0].value === okEmail,
  );
  await h.step("white_list.list.EMAIL", () => mgmt.whitelist.list("EMAIL"), (r) => r.length === 0);
  await h.step("white_list.enable.PHONE", () => mgmt.whitelist.enable("PHONE"), (r) => r === undefined);
  await h.step("white_list.disable.USERNAME", () => mgmt.whitelist.disable("USERNAME"), (r) => r === undefined);
  await h.step("white_list.disable.EMAIL", () => mgmt.whitelist.disable("EMAIL"), (r) => r === undefined);
  await h.step("white_list.disable.PHONE", () => mgmt.whitelist.disable("PHONE"), (r) => r === undefined);
  await h.step(
    "white_list.userpool.allOff",
    () => mgmt.userpool.detail(),
    (p) =>
      p.whitelist.usernameEnabled === false && p.whitelist.emailEnabled === false &&
      p.whitelist.phoneEnabled === false,
  );
  await h.step(
    "white_list.register.afterDisable",
    () => auth.registerByUsername(stranger, h.PASSWORD),
    (u) => u.username === stranger,
  );
};
