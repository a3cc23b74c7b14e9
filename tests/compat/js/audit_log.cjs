// The official JS client's statistics and user action logs (node run.cjs audit_log):
// statistics.listUserActions / listAuditLogs and userAction.list, with their filters.
"use strict";

exports.expected = [
  "audit_log.statistics.listUserActions",
  "audit_log.statistics.listUserActions.byUserAndEvent",
  "audit_log.statistics.listUserActions.page",
  "audit_log.statistics.listUserActions.start",
  "audit_log.statistics.listUserActions.end",
  "audit_log.userAction.list",
  "audit_log.userAction.list.byOperationAndOperator",
  "audit_log.statistics.listAuditLogs",
  "audit_log.statistics.listAuditLogs.byEvent",
  "audit_log.statistics.listAuditLogs.start",
];

exports.flow = async (s, h) => {
  const mgmt = h.managementClient();
  const auth = h.authenticationClient();
  const email = `${h.unique("audit-")}@example.com`;
  const ada = await auth.registerByEmail(email, h.PASSWORD);
  await auth.loginByEmail(email, h.PASSWORD);
  const bob = await mgmt.users.create({ username: h.unique("audit_bob_"), password: h.PASSWORD });
  const { now } = await h.admin("clock", { advance: 60 });
  const before = Math.floor(now * 1000);
  await auth.loginByUsername(bob.username, h.PASSWORD);
  await mgmt.userpool.update({ description: "audited" });

  const events = (r) => r.list.map((e) => `${e.eventType}:${e.userId}`).join();
  await h.step(
    "audit_log.statistics.listUserActions",
    () => mgmt.statistics.listUserActions(),
    (r) =>
      r.totalCount === 3 &&
      events(r) === `login:${bob.id},login:${ada.id},register:${ada.id}` &&
      r.list[0].operatorArn === `arn:cn:authing:user:${bob.id}`,
  );
  await h.step(
    "audit_log.statistics.listUserActions.byUserAndEvent",
    () => mgmt.statistics.listUserActions({ userId: ada.id, eventType: "login" }),
    (r) => r.totalCount === 1 && events(r) === `login:${ada.id}` && r.list[0].userName === email,
  );
  await h.step(
    "audit_log.statistics.listUserActions.page",
    () => mgmt.statistics.listUserActions({ page: 2, limit: 1 }),
    (r) => r.totalCount === 3 && events(r) === `login:${ada.id}`,
  );
  await h.step(
    "audit_log.statistics.listUserActions.start",
    () => mgmt.statistics.listUserActions({ start: before }),
    (r) => events(r) === `login:${bob.id}`,
  );
  await h.step(
    "audit_log.statistics.listUserActions.end",
    () => mgmt.statistics.listUserActions({ end: before }),
    (r) => r.totalCount === 2 && events(r) === `login:${ada.id},register:${ada.id}`,
  );
  await h.step(
    "audit_log.userAction.list",
    () => mgmt.userAction.list({ page: 1, limit: 2 }),
    (r) => r.totalCount === 3 && events(r) === `login:${bob.id},login:${ada.id}`,
  );
  await h.step(
    "audit_log.userAction.list.byOperationAndOperator",
    () =>
      mgmt.userAction.list({
        page: 1,
        limit: 10,
        operationName: "register",
        operatoArn: `arn:cn:authing:user:${ada.id}`,
      }),
    (r) => r.totalCount === 1 && events(r) === `register:${ada.id}`,
  );
  await h.step(
    "audit_log.statistics.listAuditLogs",
    () => mgmt.statistics.listAuditLogs(),
    (r) =>
      r.totalCount === 2 &&
      r.list.map((e) => e.eventType).join() === "updateUserpool,createUser" &&
      r.list[1].eventDetails.id === bob.id &&
      !JSON.stringify(r).includes(h.PASSWORD),
  );
  await h.step(
    "audit_log.statistics.listAuditLogs.byEvent",
    () => mgmt.statistics.listAuditLogs({ eventType: "createUser" }),
    (r) => r.totalCount === 1 && r.list[0].operationMode === "management",
  );
  await h.step(
    "audit_log.statistics.listAuditLogs.start",
    () => mgmt.statistics.listAuditLogs({ start: before }),
    (r) => r.totalCount === 1 && r.list[0].eventType === "updateUserpool",
  );
};
