// The official JS client's user pool module (node run.cjs user_pool).
"use strict";

exports.expected = [
  "user_pool.detail",
  "user_pool.addEnv",
  "user_pool.listEnv",
  "user_pool.removeEnv",
  "user_pool.listEnv.afterRemove",
  "user_pool.update",
  "user_pool.registerDisabled",
  "user_pool.update.restore",
];

exports.flow = async (s, h) => {
  const mgmt = h.managementClient();
  const key = h.unique("LEVEL_");
  await h.step(
    "user_pool.detail",
    () => mgmt.userpool.detail(),
    (p) => p.id === s.user_pool_id && p.registerDisabled === false,
  );
  await h.step(
    "user_pool.addEnv",
    () => mgmt.userpool.addEnv(key, "3"),
    (e) => e.key === key && e.value === "3",
  );
  await h.step(
    "user_pool.listEnv",
    () => mgmt.userpool.listEnv(),
    (list) => list.some((e) => e.key === key && e.value === "3"),
  );
  await h.step(
    "user_pool.removeEnv",
    () => mgmt.userpool.removeEnv(key),
    (r) => r === null,
  );
  await h.step(
    "user_pool.listEnv.afterRemove",
    () => mgmt.userpool.listEnv(),
    (list) => list.every((e) => e.key !== key),
  );
  await h.step(
    "user_pool.update",
    () => mgmt.userpool.update({ registerDisabled: true }),
    (p) => p.registerDisabled === true,
  );
  await h.expectCode(
    "user_pool.registerDisabled",
    () => h.authenticationClient().registerByEmail(`${h.unique("js-")}@example.com`, h.PASSWORD),
    2031,
  );
  await h.step(
    "user_pool.update.restore",
    () => mgmt.userpool.update({ registerDisabled: false }),
    (p) => p.registerDisabled === false,
  );
};
