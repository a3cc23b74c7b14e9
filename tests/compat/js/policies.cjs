// The official JS client's policies module (node run.cjs policies).
"use strict";

exports.expected = [
  "policies.create",
  "policies.create.duplicate",
  "policies.detail",
  "policies.update",
  "policies.list",
  "policies.addAssignments",
  "policies.listAssignments",
  "policies.disableAssignment",
  "policies.enableAssignment",
  "policies.enableAssignment.unknown",
  "policies.removeAssignments",
  "policies.delete",
  "policies.deleteMany",
  "policies.detail.deleted",
];

const READ = { resource: "books:*", actions: ["books:read"], effect: "ALLOW" };
const DENY = { resource: "books:1", actions: ["books:delete"], effect: "DENY" };

exports.flow = async (s, h) => {
  const mgmt = h.managementClient();
  const code = h.unique("readers_");
  const other = h.unique("writers_");
  const role = h.unique("editor_");

  await h.step(
    "policies.create",
    () => mgmt.policies.create({ code, statements: [READ], description: "read books" }),
    (p) =>
      p.code === code &&
      p.namespace === "default" &&
      p.isDefault === false &&
      p.description === "read books" &&
      p.statements[0].resource === "books:*" &&
      p.statements[0].actions.join() === "books:read" &&
      p.statements[0].effect === "ALLOW" &&
      p.assignmentsCount === 0,
  );
  await h.expectCode(
    "policies.create.duplicate",
    () => mgmt.policies.create({ code, statements: [READ] }),
    2026,
  );
  await mgmt.policies.create({ code: other, statements: [DENY] });
  await h.step(
    "policies.detail",
    () => mgmt.policies.detail(code),
    (p) => p.code === code && p.statements[0].actions.join() === "books:read",
  );
  await h.step(
    "policies.update",
    () => mgmt.policies.update(code, { statements: [READ, DENY], description: "read, not delete" }),
    (p) =>
      p.description === "read, not delete" &&
      p.statements.map((st) => st.effect).join() === "ALLOW,DENY",
  );
  await h.step(
    "policies.list",
    () => mgmt.policies.list({ page: 1, limit: 100 }),
    (p) => p.totalCount >= 2 && [code, other].every((c) => p.list.some((x) => x.code === c)),
  );

  await mgmt.roles.create(role);
  await h.step(
    "policies.addAssignments",
    () => mgmt.policies.addAssignments([code, other], "ROLE", [role]),
    (r) => r.code === 200 && r.message === "授权成功",
  );
  await h.step(
    "policies.listAssignments",
    () => mgmt.policies.listAssignments({ code }),
    (p) =>
      p.totalCount === 1 &&
      p.list[0].code === code &&
      p.list[0].targetType === "ROLE" &&
      p.list[0].targetIdentifier === role,
  );
  await h.step(
    "policies.disableAssignment",
    () => mgmt.policies.disableAssignment(code, "ROLE", role),
    (r) => r.code === 200 && r.message === "禁用成功",
  );
  await h.step(
    "policies.enableAssignment",
    () => mgmt.policies.enableAssignment(code, "ROLE", role, "default"),
    (r) => r.code === 200 && r.message === "启用成功",
  );
  await h.expectCode(
    "policies.enableAssignment.unknown",
    () => mgmt.policies.enableAssignment(code, "ROLE", h.unique("nobody_")),
    404,
  );
  await h.step(
    "policies.removeAssignments",
    () => mgmt.policies.removeAssignments([code], "ROLE", [role]),
    (r) => r.code === 200 && r.message === "取消授权成功",
  );
  await h.step(
    "policies.delete",
    () => mgmt.policies.delete(code),
    (r) => r.code === 200,
  );
  await h.step(
    "policies.deleteMany",
    () => mgmt.policies.deleteMany([other]),
    (r) => r.code === 200,
  );
  await h.step(
    "policies.detail.deleted",
    () => mgmt.policies.detail(code),
    (p) => p === null,
  );
};
