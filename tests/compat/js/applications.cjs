// The official JS client's applications module (node run.cjs applications): every
// ApplicationsManagementClient method with a wire, and applications.agreements.*.
"use strict";

exports.expected = [
  "applications.create",
  "applications.list",
  "applications.findById",
  "applications.refreshApplicationSecret",
  "applications.changeApplicationType",
  "applications.applicationTenants",
  "applications.createAgreement",
  "applications.agreements.create",
  "applications.listAgreement",
  "applications.modifyAgreement",
  "applications.agreements.modify",
  "applications.sortAgreement",
  "applications.agreements.list",
  "applications.agreements.sort",
  "applications.deleteAgreement",
  "applications.agreements.delete",
  "applications.agreements.delete.unknown",
  "applications.activeUsers.none",
  "applications.activeUsers",
  "applications.createResource",
  "applications.listResources",
  "applications.updateResource",
  "applications.createRole",
  "applications.findRole",
  "applications.updateRole",
  "applications.getRoles",
  "applications.addUsersToRole",
  "applications.getUsersByRoleCode",
  "applications.listAuthorizedResourcesByRole",
  "applications.removeUsersFromRole",
  "applications.deleteRole",
  "applications.deleteRoles",
  "applications.deleteResource",
  "applications.allowAccess",
  "applications.getAccessPolicies",
  "applications.disableAccessPolicy",
  "applications.getAccessPolicies.disabled",
  "applications.enableAccessPolicy",
  "applications.denyAccess",
  "applications.getAccessPolicies.denied",
  "applications.deleteAccessPolicy",
  "applications.getAccessPolicies.afterDelete",
  "applications.updateDefaultAccessPolicy",
  "applications.delete",
  "applications.findById.deleted",
];

exports.flow = async (s, h) => {
  const mgmt = h.managementClient();
  const tag = h.unique("");
  const app = await h.step(
    "applications.create",
    () =>
      mgmt.applications.create({
        name: "Shop",
        identifier: `shop-${tag}`,
        redirectUris: ["https://shop.example/cb"],
      }),
    (a) => a.id && a.identifier === `shop-${tag}` && a.secret && a.isDefault === false,
  );
  await h.step(
    "applications.list",
    () => mgmt.applications.list({ page: 1, limit: 10 }),
    (r) => r.totalCount === 2 && r.list.map((a) => a.id).join() === [s.app_id, app.id].join(),
  );
  await h.step(
    "applications.findById",
    () => mgmt.applications.findById(app.id),
    (a) => a.name === "Shop" && a.secret === app.secret && a.userPoolId === s.user_pool_id,
  );
  await h.step(
    "applications.refreshApplicationSecret",
    () => mgmt.applications.refreshApplicationSecret(app.id),
    (a) => a.id === app.id && a.secret && a.secret !== app.secret,
  );
  await h.step(
    "applications.changeApplicationType",
    () => mgmt.applications.changeApplicationType(s.app_id, "BOTH"),
    (a) => a.id === s.app_id && a.appType === "BOTH",
  );
  const tenant = await mgmt.tenant.create({ name: `Acme ${tag}`, appIds: `${s.app_id},${app.id}` });
  await h.step(
    "applications.applicationTenants",
    () => mgmt.applications.applicationTenants(app.id),
    (d) =>
      d.id === app.id && d.domain === `shop-${tag}` && d.tenants.length === 1 &&
      d.tenants[0].id === tenant.id && d.tenants[0].name === `Acme ${tag}`,
  );

  // Agreements, through both faces (applications.xAgreement and applications.agreements.x).
  const terms = await h.step(
    "applications.createAgreement",
    () => mgmt.applications.createAgreement(app.id, { title: `Terms ${tag}` }),
    (a) =>
      a.title === `Terms ${tag}` && a.lang === "zh-CN" && a.required === true &&
      a.order === 0 && a.appId === app.id && typeof a.id === "number",
  );
  const privacy = await h.step(
    "applications.agreements.create",
    () => mgmt.applications.agreements.create(app.id, { title: "Privacy", required: false, lang: "en-US" }),
    (a) => a.lang === "en-US" && a.required === false && a.order === 1,
  );
  await h.step(
    "applications.listAgreement",
    () => mgmt.applications.listAgreement(app.id),
    (r) => r.totalCount === 2 && r.list.map((a) => a.id).join() === [terms.id, privacy.id].join(),
  );
  await h.step(
    "applications.modifyAgreement",
    () => mgmt.applications.modifyAgreement(app.id, privacy.id, { title: "Privacy v2" }),
    (a) => a.title === "Privacy v2" && a.lang === "en-US" && a.required === false,
  );
  await h.step(
    "applications.agreements.modify",
    () => mgmt.applications.agreements.modify(app.id, privacy.id, { title: "Privacy v3", required: true }),
    (a) => a.title === "Privacy v3" && a.required === true,
  );
  await h.step(
    "applications.sortAgreement",
    () => mgmt.applications.sortAgreement(app.id, [privacy.id, terms.id]),
    (r) => r === true,
  );
  await h.step(
    "applications.agreements.list",
    () => mgmt.applications.agreements.list(app.id),
    (r) => r.list.map((a) => `${a.id}:${a.order}`).join() === `${privacy.id}:0,${terms.id}:1`,
  );
  await h.step(
    "applications.agreements.sort",
    () => mgmt.applications.agreements.sort(app.id, [terms.id, privacy.id]),
    (r) => r === true,
  );
  await h.step(
    "applications.deleteAgreement",
    () => mgmt.applications.deleteAgreement(app.id, privacy.id),
    (r) => r === true,
  );
  await h.step(
    "applications.agreements.delete",
    () => mgmt.applications.agreements.delete(app.id, terms.id),
    (r) => r === true,
  );
  await h.expectCode(
    "applications.agreements.delete.unknown",
    () => mgmt.applications.agreements.delete(app.id, terms.id),
    404,
  );

  // Active users: the users who signed in to the (default) application.
  await h.step(
    "applications.activeUsers.none",
    () => mgmt.applications.activeUsers(s.app_id, 1, 10),
    (r) => r.totalCount === 0 && r.list.length === 0,
  );
  const auth = h.authenticationClient();
  const email = `active-${tag}@example.com`;
  const user = await auth.registerByEmail(email, h.PASSWORD);
  await auth.loginByEmail(email, h.PASSWORD);
  await h.step(
    "applications.activeUsers",
    () => mgmt.applications.activeUsers(s.app_id, 1, 10),
    (r) => r.totalCount === 1 && r.list[0].id === user.id && r.list[0].email === email,
  );

  // Resources and roles of the application (its permission group: code = its id).
  await h.step(
    "applications.createResource",
    () =>
      mgmt.applications.createResource(app.id, {
        code: "books",
        type: "DATA",
        description: "Books",
        actions: [{ name: "books:read", description: "Read" }],
      }),
    (r) => r.code === "books" && r.description === "Books" && r.actions[0].name === "books:read",
  );
  await h.step(
    "applications.listResources",
    () => mgmt.applications.listResources(app.id, { page: 1, limit: 10 }),
    (r) => r.totalCount === 1 && r.list[0].code === "books",
  );
  await h.step(
    "applications.updateResource",
    () =>
      mgmt.applications.updateResource(app.id, {
        code: "books",
        description: "All books",
        actions: [{ name: "books:read", description: "Read" }, { name: "books:write", description: "Write" }],
      }),
    (r) => r.code === "books" && r.description === "All books" && r.actions.map((a) => a.name).join() === "books:read,books:write",
  );
  await h.step(
    "applications.createRole",
    () => mgmt.applications.createRole(app.id, { code: "librarian", description: "Lends" }),
    (r) => r.code === "librarian" && r.namespace === app.id && r.description === "Lends",
  );
  await h.step(
    "applications.findRole",
    () => mgmt.applications.findRole(app.id, "librarian"),
    (r) => r.code === "librarian" && r.description === "Lends",
  );
  await h.step(
    "applications.updateRole",
    () => mgmt.applications.updateRole(app.id, { code: "librarian", description: "Keeps" }),
    (r) => r.code === "librarian" && r.description === "Keeps",
  );
  await h.step(
    "applications.getRoles",
    () => mgmt.applications.getRoles(app.id, { page: 1, limit: 10 }),
    (r) => r.totalCount === 1 && r.list[0].code === "librarian",
  );
  await h.step(
    "applications.addUsersToRole",
    () => mgmt.applications.addUsersToRole(app.id, "librarian", [user.id]),
    (r) => r.code === 200,
  );
  await h.step(
    "applications.getUsersByRoleCode",
    () => mgmt.applications.getUsersByRoleCode(app.id, "librarian"),
    (r) => r.totalCount === 1 && r.list[0].id === user.id,
  );
  await mgmt.acl.authorizeResource({
    namespace: app.id,
    resource: "books",
    resourceType: "DATA",
    opts: [{ targetType: "ROLE", targetIdentifier: "librarian", actions: ["books:read"] }],
  });
  await h.step(
    "applications.listAuthorizedResourcesByRole",
    () => mgmt.applications.listAuthorizedResourcesByRole(app.id, "librarian"),
    (r) => r.totalCount === 1 && r.list[0].code === "books" && r.list[0].actions.join() === "books:read",
  );
  await h.step(
    "applications.removeUsersFromRole",
    () => mgmt.applications.removeUsersFromRole(app.id, "librarian", [user.id]),
    (r) => r.code === 200,
  );
  await mgmt.applications.createRole(app.id, { code: "clerk" });
  await h.step(
    "applications.deleteRole",
    () => mgmt.applications.deleteRole(app.id, "clerk"),
    (r) => r.code === 200,
  );
  await h.step(
    "applications.deleteRoles",
    () => mgmt.applications.deleteRoles(app.id, ["librarian"]),
    (r) => r.code === 200,
  );

  await h.step(
    "applications.deleteResource",
    () => mgmt.applications.deleteResource(app.id, "books"),
    (r) => r === true,
  );

  // Access rules of the application.
  const target = { targetType: "USER", targetIdentifiers: [user.id] };
  await h.step(
    "applications.allowAccess",
    () => mgmt.applications.allowAccess(app.id, target),
    (r) => r.code === 200,
  );
  const rule = (r) => r.list.map((p) => `${p.code}:${p.targetIdentifier}:${p.enabled}`).join();
  await h.step(
    "applications.getAccessPolicies",
    () => mgmt.applications.getAccessPolicies(app.id, { page: 1, limit: 10 }),
    (r) => r.totalCount === 1 && rule(r) === `ALLOW:${user.id}:true`,
  );
  await h.step(
    "applications.disableAccessPolicy",
    () => mgmt.applications.disableAccessPolicy(app.id, target),
    (r) => r.code === 200,
  );
  await h.step(
    "applications.getAccessPolicies.disabled",
    () => mgmt.applications.getAccessPolicies(app.id),
    (r) => rule(r) === `ALLOW:${user.id}:false`,
  );
  await h.step(
    "applications.enableAccessPolicy",
    () => mgmt.applications.enableAccessPolicy(app.id, target),
    (r) => r.code === 200,
  );
  await h.step(
    "applications.denyAccess",
    () => mgmt.applications.denyAccess(app.id, target),
    (r) => r.code === 200,
  );
  await h.step(
    "applications.getAccessPolicies.denied",
    () => mgmt.applications.getAccessPolicies(app.id),
    (r) => rule(r) === `DENY:${user.id}:true`,
  );
  await h.step(
    "applications.deleteAccessPolicy",
    () => mgmt.applications.deleteAccessPolicy(app.id, target),
    (r) => r.code === 200,
  );
  await h.step(
    "applications.getAccessPolicies.afterDelete",
    () => mgmt.applications.getAccessPolicies(app.id),
    (r) => r.totalCount === 0,
  );
  await h.step(
    "applications.updateDefaultAccessPolicy",
    () => mgmt.applications.updateDefaultAccessPolicy(app.id, "DENY_ALL"),
    (a) => a.id === app.id && a.permissionStrategy.defaultStrategy === "DENY_ALL" && a.appType === "INDIVIDUAL",
  );

  await h.step("applications.delete", () => mgmt.applications.delete(app.id), (r) => r === true);
  await h.expectCode(
    "applications.findById.deleted",
    () => mgmt.applications.findById(app.id),
    2011,
  );
};
