// The official JS client's roles module (node run.cjs roles).
"use strict";

exports.expected = [
  "roles.create",
  "roles.detail",
  "roles.findByCode",
  "roles.update",
  "roles.list",
  "roles.addUsers",
  "roles.listUsers",
  "roles.findUsers",
  "roles.findUsers.search",
  "roles.removeUsers",
  "roles.addPolicies",
  "roles.listPolicies",
  "roles.removePolicies",
  "roles.listAuthorizedResources",
  "roles.setUdfValue",
  "roles.getUdfValue",
  "roles.getSpecificUdfValue",
  "roles.setUdfValueBatch",
  "roles.getUdfValueBatch",
  "roles.removeUdfValue",
  "roles.getUdfValue.unknownRole",
  "roles.delete",
  "roles.deleteMany",
];

// Set-up through the client's own transport: its authorizeResource sends no resourceType.
const AUTHORIZE = `mutation authorizeResource($namespace: String, $resource: String, $resourceType: ResourceType, $opts: [AuthorizeResourceOpt]) {
  authorizeResource(namespace: $namespace, resource: $resource, resourceType: $resourceType, opts: $opts) { code message }
}`;

async function authorize(mgmt, variables) {
  const token = await mgmt.tokenProvider.getToken();
  return mgmt.graphqlClient.request({ query: AUTHORIZE, token, variables });
}

exports.flow = async (s, h) => {
  const mgmt = h.managementClient();
  const code = h.unique("editor_");
  const other = h.unique("viewer_");
  const policy = h.unique("readers_");
  const level = h.unique("level_");

  const role = await h.step(
    "roles.create",
    () => mgmt.roles.create(code, "edits"),
    (r) => r.code === code && r.description === "edits" && Boolean(r.id),
  );
  const second = await mgmt.roles.create(other);
  await h.step(
    "roles.detail",
    () => mgmt.roles.detail(code),
    (r) => r.id === role.id && r.namespace === "default",
  );
  await h.step(
    "roles.findByCode",
    () => mgmt.roles.findByCode(code),
    (r) => r.code === code && r.description === "edits",
  );
  await h.step(
    "roles.update",
    () => mgmt.roles.update(code, { description: "edits books" }),
    (r) => r.code === code && r.description === "edits books",
  );
  await h.step(
    "roles.list",
    () => mgmt.roles.list({ page: 1, limit: 100 }),
    (p) => p.totalCount >= 2 && [code, other].every((c) => p.list.some((r) => r.code === c)),
  );

  const ada = await mgmt.users.create({ username: h.unique("ada_"), password: h.PASSWORD });
  const bob = await mgmt.users.create({ username: h.unique("bob_"), password: h.PASSWORD });
  await h.step(
    "roles.addUsers",
    () => mgmt.roles.addUsers(code, [ada.id, bob.id]),
    (r) => r.code === 200,
  );
  await h.step(
    "roles.listUsers",
    () => mgmt.roles.listUsers(code),
    (p) => p.totalCount === 2 && p.list.map((u) => u.id).sort().join() === [ada.id, bob.id].sort().join(),
  );
  await h.step(
    "roles.findUsers",
    () => mgmt.roles.findUsers(code),
    (p) => p.totalCount === 2 && p.list.every((u) => [ada.id, bob.id].includes(u.id)),
  );
  await h.step(
    "roles.findUsers.search",
    () => mgmt.roles.findUsers(code, { search: ada.username }),
    (p) => p.totalCount === 1 && p.list[0].id === ada.id && p.list[0].username === ada.username,
  );
  await h.step(
    "roles.removeUsers",
    () => mgmt.roles.removeUsers(code, [ada.id, bob.id]),
    (r) => r.code === 200,
  );

  await mgmt.policies.create({ code: policy, statements: [{ resource: "books:*", actions: ["books:read"] }] });
  // authing-js-sdk 4.23.55 is broken here: roles.addPolicies and roles.removePolicies send
  // targetType USER (not ROLE) with the role code as a user id, so on the real service they never
  // touch the role's policies. The emulator answers as it does for any unknown user (2004), and
  // the remove finds no such assignment; listPolicies (which sends ROLE) is checked on an
  // assignment made with policies.addAssignments.
  await h.expectCode(
    "roles.addPolicies",
    () => mgmt.roles.addPolicies(code, [policy]),
    2004,
  );
  await mgmt.policies.addAssignments([policy], "ROLE", [code]);
  await h.step(
    "roles.listPolicies",
    () => mgmt.roles.listPolicies(code),
    (p) =>
      p.totalCount === 1 &&
      p.list[0].code === policy &&
      p.list[0].targetType === "ROLE" &&
      p.list[0].targetIdentifier === code,
  );
  await h.step(
    "roles.removePolicies",
    async () => [await mgmt.roles.removePolicies(code, [policy]), await mgmt.roles.listPolicies(code)],
    ([r, left]) => r.code === 200 && r.message === "取消授权成功" && left.totalCount === 1,
  );

  await authorize(mgmt, {
    namespace: "default",
    resource: "books",
    resourceType: "DATA",
    opts: [{ targetType: "ROLE", targetIdentifier: code, actions: ["books:read"] }],
  });
  await h.step(
    "roles.listAuthorizedResources",
    () => mgmt.roles.listAuthorizedResources(code, "default"),
    (p) =>
      p.totalCount === 1 &&
      p.list[0].code === "books" &&
      p.list[0].type === "DATA" &&
      p.list[0].actions.join() === "books:read",
  );

  await mgmt.udf.set("ROLE", level, "NUMBER", "Level");
  await h.step(
    "roles.setUdfValue",
    () => mgmt.roles.setUdfValue(role.id, { [level]: 3 }),
    (r) => r === undefined,
  );
  await h.step(
    "roles.getUdfValue",
    () => mgmt.roles.getUdfValue(role.id),
    (d) => Object.keys(d).length === 1 && d[level] === 3,
  );
  await h.step(
    "roles.getSpecificUdfValue",
    () => mgmt.roles.getSpecificUdfValue(role.id, level),
    (d) => Object.keys(d).length === 1 && d[level] === 3,
  );
  await h.step(
    "roles.setUdfValueBatch",
    () => mgmt.roles.setUdfValueBatch([{ roleId: second.id, data: { [level]: 7 } }]),
    (r) => r === undefined,
  );
  await h.step(
    "roles.getUdfValueBatch",
    () => mgmt.roles.getUdfValueBatch([role.id, second.id]),
    (d) => d[role.id][level] === 3 && d[second.id][level] === 7,
  );
  await h.step(
    "roles.removeUdfValue",
    () => mgmt.roles.removeUdfValue(role.id, level),
    (r) => r === undefined,
  );
  await h.expectCode(
    "roles.getUdfValue.unknownRole",
    () => mgmt.roles.getUdfValue("000000000000000000000000"),
    404,
  );

  await h.step(
    "roles.delete",
    () => mgmt.roles.delete(code),
    (r) => r.code === 200,
  );
  await h.step(
    "roles.deleteMany",
    () => mgmt.roles.deleteMany([other]),
    (r) => r.code === 200,
  );
};
