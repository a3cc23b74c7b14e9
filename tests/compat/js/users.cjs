// The official JS client's users module (node run.cjs users): every UsersManagementClient
// method with a wire, each result checked.
"use strict";

const UNKNOWN = "000000000000000000000000";

exports.expected = [
  "users.create",
  "users.create.second",
  "users.detail",
  "users.update",
  "users.list",
  "users.filter",
  "users.exists",
  "users.find",
  "users.search",
  "users.batch",
  "users.detail.unknown",
  "users.refreshToken",
  "users.checkLoginStatus",
  "users.kick",
  "users.checkLoginStatus.afterKick",
  "users.kick.unknown",
  "users.logout",
  "users.logout.unknown",
  "users.addRoles",
  "users.listRoles",
  "users.hasRole",
  "users.removeRoles",
  "users.listRoles.unknown",
  "users.addGroup",
  "users.listGroups",
  "users.removeGroup",
  "users.setUdfValue",
  "users.getUdfValue",
  "users.setUdfValueBatch",
  "users.getUdfValueBatch",
  "users.removeUdfValue",
  "users.listOrgs",
  "users.listDepartment",
  "users.listAuthorizedResources",
  "users.getUserTenants",
  "users.linkIdentity",
  "users.unlinkIdentity",
  "users.getApplicationLoginUserNum",
  "users.getUdfFieldUserNum",
  "users.listUserActions",
  "users.sendFirstLoginVerifyEmail",
  "users.resignUser",
  "users.resignUser.login",
  "users.resignUserBatch",
  "users.listArchivedUsers",
  "users.delete",
  "users.deleteMany",
];

exports.flow = async (s, h) => {
  const mgmt = h.managementClient();
  const auth = h.authenticationClient();
  const tag = h.unique("");
  const email = `js-users-${tag}@example.com`;
  const username = `js_users_${tag}`;

  const user = await h.step(
    "users.create",
    () => mgmt.users.create({ email, username, password: h.PASSWORD, company: `ACME ${tag}` }),
    (u) => u.id && u.email === email && u.username === username && u.status === "Activated",
  );
  const uid = user.id;
  const other = await h.step(
    "users.create.second",
    () => mgmt.users.create({ username: `${username}_b`, password: h.PASSWORD }),
    (u) => u.id && u.username === `${username}_b`,
  );
  await h.step(
    "users.detail",
    () => mgmt.users.detail(uid),
    (u) => u.id === uid && u.email === email,
  );
  await h.step(
    "users.update",
    () => mgmt.users.update(uid, { nickname: `Nick ${tag}` }),
    (u) => u.id === uid && u.nickname === `Nick ${tag}`,
  );
  await h.step(
    "users.list",
    () => mgmt.users.list(1, 50),
    (page) => page.totalCount >= 2 && page.list.some((u) => u.id === uid),
  );
  await h.step(
    "users.filter",
    () => mgmt.users.filter({ page: 1, limit: 10, filter: [{ key: "company", value: `ACME ${tag}` }] }),
    (page) => page.totalCount === 1 && page.list[0].id === uid,
  );
  await h.step("users.exists", () => mgmt.users.exists({ username }), (r) => r === true);
  await h.step(
    "users.find",
    () => mgmt.users.find({ email }),
    (u) => u && u.id === uid && u.username === username,
  );
  await h.step(
    "users.search",
    () => mgmt.users.search(username, { page: 1, limit: 10 }),
    (page) => page.totalCount === 2 && page.list.some((u) => u.id === other.id),
  );
  await h.step(
    "users.batch",
    () => mgmt.users.batch([username, `${username}_b`], { queryField: "username" }),
    (users) => users.length === 2 && users[0].id === uid && users[1].id === other.id,
  );
  await h.expectCode("users.detail.unknown", () => mgmt.users.detail(UNKNOWN), 2004);

  // Sessions.
  await h.step(
    "users.refreshToken",
    () => mgmt.users.refreshToken(uid),
    (t) => t.token && t.exp > t.iat,
  );
  await auth.loginByEmail(email, h.PASSWORD);
  await h.step(
    "users.checkLoginStatus",
    () => mgmt.users.checkLoginStatus(uid, s.app_id),
    (r) => r.isLogin === true && r.user.id === uid,
  );
  await h.step(
    "users.kick",
    () => mgmt.users.kick([uid]),
    (r) => r.code === 200,
  );
  await h.step(
    "users.checkLoginStatus.afterKick",
    () => mgmt.users.checkLoginStatus(uid),
    (r) => r.isLogin === false,
  );
  await h.expectCode("users.kick.unknown", () => mgmt.users.kick([UNKNOWN]), 2004);
  await h.step(
    "users.logout",
    () => mgmt.users.logout({ userId: uid, appId: s.app_id }),
    (r) => r.code === 200,
  );
  await h.expectCode("users.logout.unknown", () => mgmt.users.logout({ userId: UNKNOWN }), 2004);

  // Roles and groups.
  const role = h.unique("js_role_");
  await mgmt.roles.create(role, `Role ${tag}`);
  await h.step("users.addRoles", () => mgmt.users.addRoles(uid, [role]), (r) => r.code === 200);
  await h.step(
    "users.listRoles",
    () => mgmt.users.listRoles(uid),
    (r) => r.totalCount === 1 && r.list[0].code === role,
  );
  await h.step("users.hasRole", () => mgmt.users.hasRole(uid, role), (r) => r === true);
  await h.step(
    "users.removeRoles",
    () => mgmt.users.removeRoles(uid, [role]),
    (r) => r.code === 200,
  );
  await h.expectCode("users.listRoles.unknown", () => mgmt.users.listRoles(UNKNOWN), 2004);
  const group = h.unique("js_group_");
  await mgmt.groups.create(group, `Group ${tag}`);
  await h.step("users.addGroup", () => mgmt.users.addGroup(uid, group), (r) => r.code === 200);
  await h.step(
    "users.listGroups",
    () => mgmt.users.listGroups(uid),
    (r) => r.totalCount === 1 && r.list[0].code === group,
  );
  await h.step(
    "users.removeGroup",
    () => mgmt.users.removeGroup(uid, group),
    (r) => r.code === 200,
  );

  // Custom data.
  await mgmt.udf.set("USER", "school", "STRING", "School");
  await mgmt.udf.set("USER", "age", "NUMBER", "Age");
  await h.step(
    "users.setUdfValue",
    () => mgmt.users.setUdfValue(uid, { school: "MIT", age: 42 }),
    (values) => values.length === 2 && values.some((v) => v.key === "age" && v.dataType === "NUMBER"),
  );
  await h.step(
    "users.getUdfValue",
    () => mgmt.users.getUdfValue(uid),
    (d) => d.school === "MIT" && d.age === 42,
  );
  await h.step(
    "users.setUdfValueBatch",
    () => mgmt.users.setUdfValueBatch([{ userId: other.id, data: { age: 7 } }]),
    (r) => r === undefined || r === null || r.code === 200,
  );
  await h.step(
    "users.getUdfValueBatch",
    () => mgmt.users.getUdfValueBatch([uid, other.id]),
    (d) => d[uid].school === "MIT" && d[other.id].age === 7,
  );
  await h.step(
    "users.removeUdfValue",
    async () => {
      await mgmt.users.removeUdfValue(uid, "school");
      return mgmt.users.getUdfValue(uid);
    },
    (d) => d.school === undefined && d.age === 42,
  );

  // Organisation, resources, tenants.
  const org = await mgmt.org.create(`Org ${tag}`, undefined, h.unique("js_org_"));
  await mgmt.org.addMembers(org.rootNode.id, [uid]);
  await h.step(
    "users.listOrgs",
    () => mgmt.users.listOrgs(uid),
    (paths) => paths.length === 1 && paths[0][0].id === org.id && paths[0][0].type === "org",
  );
  await h.step(
    "users.listDepartment",
    () => mgmt.users.listDepartment(uid),
    (r) => r.totalCount === 1 && r.list[0].department.id === org.rootNode.id,
  );
  // Set-up through the official client's own GraphQL escape hatch (the acl module has its flow).
  await mgmt.makeGraphqlRequest({
    query: `mutation authorizeResource($namespace: String, $resource: String, $resourceType: ResourceType, $opts: [AuthorizeResourceOpt]) {
      authorizeResource(namespace: $namespace, resource: $resource, resourceType: $resourceType, opts: $opts) { code message }
    }`,
    variables: {
      namespace: "default",
      resource: "books",
      resourceType: "DATA",
      opts: [{ targetType: "USER", targetIdentifier: uid, actions: ["books:read"] }],
    },
  });
  await h.step(
    "users.listAuthorizedResources",
    () => mgmt.users.listAuthorizedResources(uid, "default"),
    (r) => r.totalCount === 1 && r.list[0].code === "books" && r.list[0].actions[0] === "books:read",
  );
  await h.step(
    "users.getUserTenants",
    () => mgmt.users.getUserTenants(uid),
    (r) => r && r.id === uid && Array.isArray(r.tenants),
  );
  await h.step(
    "users.linkIdentity",
    () =>
      mgmt.users.linkIdentity({
        userId: uid,
        userIdInIdp: `gh-${tag}`,
        isSocial: true,
        type: "github",
        identifier: "github",
        extIdpId: "idp-github",
      }),
    (r) => r.code === 200,
  );
  await h.step(
    "users.unlinkIdentity",
    () =>
      mgmt.users.unlinkIdentity({
        userId: uid,
        isSocial: true,
        identifier: "github",
        extIdpId: "idp-github",
      }),
    (r) => r.code === 200,
  );
  await auth.loginByEmail(email, h.PASSWORD);
  await h.step(
    "users.getApplicationLoginUserNum",
    () => mgmt.users.getApplicationLoginUserNum({ appId: s.app_id }),
    (n) => n === 1,
  );
  await h.step(
    "users.getUdfFieldUserNum",
    () => mgmt.users.getUdfFieldUserNum({ definedFieldKey: "age", appId: s.app_id }),
    (n) => n === 1,
  );
  await h.step(
    "users.listUserActions",
    () => mgmt.users.listUserActions({ operationNames: ["login"], page: 1, limit: 10 }),
    // JS maps the answer's snake-case fields (user.id, operation_name, app_id, ...), which the
    // emulator's user action log does not carry (it answers Go/Python's camel-case entries):
    // only the count and the timestamps survive JS's mapping.
    (r) => r.totalCount === 2 && r.list.length === 2 && r.list.every((e) => e.timestamp),
  );
  await h.step(
    "users.sendFirstLoginVerifyEmail",
    () => mgmt.users.sendFirstLoginVerifyEmail({ appId: s.app_id, userId: uid }),
    (r) => r === true,
  );

  // Resign: the user can no longer log in.
  await h.step(
    "users.resignUser",
    () => mgmt.users.resignUser(uid),
    (r) => r.success === true, // a V3 answer: {statusCode: 200, message, data: {success}}
  );
  await h.expectCode("users.resignUser.login", () => auth.loginByEmail(email, h.PASSWORD), 2005);
  await h.step(
    "users.resignUserBatch",
    () => mgmt.users.resignUserBatch([other.id]),
    (r) => r.success === true,
  );
  await h.step(
    "users.listArchivedUsers",
    () => mgmt.users.listArchivedUsers(1, 10),
    (page) => page.totalCount === 0 && page.list.length === 0,
  );
  await h.step("users.delete", () => mgmt.users.delete(uid), (r) => r.code === 200);
  await h.step(
    "users.deleteMany",
    () => mgmt.users.deleteMany([other.id]),
    (r) => r.code === 200,
  );
};
