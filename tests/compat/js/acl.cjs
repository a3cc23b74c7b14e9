// The official JS client's ACL module: permission groups, resources, grants and their
// evaluation, programmatic access accounts, application access rules (node run.cjs acl).
"use strict";

exports.expected = [
  "acl.createNamespace",
  "acl.listNamespaces",
  "acl.updateNamespace",
  "acl.createResource",
  "acl.listResources",
  "acl.getResources",
  "acl.getResourceById",
  "acl.getResourceByCode",
  "acl.updateResource",
  "acl.authorizeResource",
  "acl.isAllowed",
  "acl.isAllowed.otherAction",
  "acl.allow",
  "acl.isAllowed.allowed",
  "acl.listAuthorizedResources",
  "acl.getAuthorizedTargets",
  "acl.authorizeResources",
  "acl.isAllowed.roleWildcard",
  "acl.isAllowed.group",
  "acl.isAllowed.parentNode",
  "acl.listAuthorizedResourcesBatch",
  "acl.getPoliciesAssignmentsCondition",
  "acl.isAllowed.denyPolicy",
  "acl.revokeResources",
  "acl.isAllowed.afterRevokeResources",
  "acl.revokeResource",
  "acl.isAllowed.afterRevoke",
  "acl.isAllowed.unknownUser",
  "acl.deleteResource",
  "acl.getResourceByCode.deleted",
  "acl.deleteNamespace",
  "acl.updateNamespace.deleted",
  "acl.createProgrammaticAccessAccount",
  "acl.programmaticAccessAccountList",
  "acl.clientCredentials",
  "acl.disableProgrammaticAccessAccount",
  "acl.clientCredentials.disabled",
  "acl.enableProgrammaticAccessAccount",
  "acl.refreshProgrammaticAccessAccountSecret",
  "acl.clientCredentials.oldSecret",
  "acl.clientCredentials.newSecret",
  "acl.deleteProgrammaticAccessAccount",
  "acl.clientCredentials.deleted",
  "acl.allowAccessApplication",
  "acl.denyAccessApplication",
  "acl.disableApplicationAccessPolicy",
  "acl.enableApplicationAccessPolicy",
  "acl.deleteApplicationAccessPolicy",
  "acl.getApplicationAccessPolicies",
  "acl.updateDefaultApplicationAccessPolicy",
  "acl.allowAccessApplication.unknownApp",
];

async function token(s, key, secret) {
  const response = await fetch(`${s.host}/oidc/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      client_id: key,
      client_secret: secret,
      grant_type: "client_credentials",
      scope: "read",
    }).toString(),
  });
  return response.json();
}

exports.flow = async (s, h) => {
  const mgmt = h.managementClient();
  const acl = mgmt.acl;
  const tag = h.unique("");
  const code = `lib${tag}`;
  const store = `store${tag}`;
  const ada = await mgmt.users.create({ username: `ada${tag}`, password: h.PASSWORD });
  const bob = await mgmt.users.create({ username: `bob${tag}`, password: h.PASSWORD });
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

  const ns = await h.step(
    "acl.createNamespace",
    () => acl.createNamespace(code, "Library", "books"),
    (n) => n.code === code && n.name === "Library" && Number.isInteger(n.id),
  );
  await h.step(
    "acl.listNamespaces",
    () => acl.listNamespaces(1, 50),
    (r) => r.total >= 1 && r.list.some((n) => n.code === code),
  );
  await h.step(
    "acl.updateNamespace",
    () => acl.updateNamespace(code, { code: store, name: "Store", description: "shop" }),
    (n) => n.id === ns.id && n.code === store && n.name === "Store" && n.description === "shop",
  );
  const books = await h.step(
    "acl.createResource",
    () =>
      acl.createResource({
        code: "books",
        type: "DATA",
        namespace: store,
        description: "all books",
        actions: [{ name: "books:read", description: "Read" }],
      }),
    (r) => r.code === "books" && r.type === "DATA" && r.namespaceId === ns.id,
  );
  await h.step(
    "acl.listResources",
    () => acl.listResources({ namespace: store }),
    (r) => r.totalCount === 1 && r.list[0].id === books.id,
  );
  await h.step(
    "acl.getResources",
    () => acl.getResources({ namespaceCode: store, type: "DATA" }),
    (r) => r.totalCount === 1 && r.list[0].code === "books",
  );
  await h.step(
    "acl.getResourceById",
    () => acl.getResourceById(books.id),
    (r) => r.code === "books" && r.description === "all books",
  );
  await h.step(
    "acl.getResourceByCode",
    () => acl.getResourceByCode({ namespace: store, code: "books" }),
    (r) => r.id === books.id,
  );
  await h.step(
    "acl.updateResource",
    () =>
      acl.updateResource("books", {
        namespace: store,
        description: "d2",
        actions: [{ name: "books:edit", description: "Edit" }],
      }),
    (r) => r.description === "d2" && same(r.actions.map((a) => a.name), ["books:edit"]),
  );
  await h.step(
    "acl.authorizeResource",
    () =>
      acl.authorizeResource({
        namespace: store,
        resource: "books:1",
        opts: [{ targetType: "USER", targetIdentifier: ada.id, actions: ["books:read"] }],
      }),
    (r) => r.code === 200,
  );
  await h.step(
    "acl.isAllowed",
    () => acl.isAllowed(ada.id, "books:1", "books:read", { namespace: store }),
    (r) => r === true,
  );
  await h.step(
    "acl.isAllowed.otherAction",
    () => acl.isAllowed(ada.id, "books:1", "books:delete", { namespace: store }),
    (r) => r === false,
  );
  await h.step(
    "acl.allow",
    () => acl.allow(ada.id, "books:1", "books:edit", store),
    (r) => r.code === 200,
  );
  await h.step(
    "acl.isAllowed.allowed",
    () => acl.isAllowed(ada.id, "books:1", "books:edit", { namespace: store }),
    (r) => r === true,
  );
  await h.step(
    "acl.listAuthorizedResources",
    () => acl.listAuthorizedResources("USER", ada.id, store),
    (r) =>
      r.totalCount === 1 &&
      r.list[0].code === "books:1" &&
      same(r.list[0].actions, ["books:read", "books:edit"]),
  );
  await h.step(
    "acl.getAuthorizedTargets",
    () =>
      acl.getAuthorizedTargets({
        namespace: store,
        resource: "books:1",
        resourceType: "DATA",
        actions: { op: "AND", list: ["books:read", "books:edit"] },
      }),
    (r) => r.totalCount === 1 && r.list[0].targetIdentifier === ada.id,
  );
  await mgmt.roles.create(`reader${tag}`, "readers", store);
  await mgmt.roles.addUsers(`reader${tag}`, [bob.id], store);
  await mgmt.groups.create(`staff${tag}`, "Staff");
  await mgmt.groups.addUsers(`staff${tag}`, [ada.id]);
  const org = await mgmt.org.create(`Acme${tag}`, "acme", `acme${tag}`);
  const child = await mgmt.org.addNode(org.id, org.rootNode.id, {
    name: "Sales",
    code: `sales${tag}`,
  });
  const childId = child.nodes ? child.nodes.find((n) => n.code === `sales${tag}`).id : child.id;
  await mgmt.org.addMembers(childId, [bob.id]);
  await h.step(
    "acl.authorizeResources",
    () =>
      acl.authorizeResources({
        namespace: store,
        opts: [
          {
            targetType: "ROLE",
            targetIdentifiers: [`reader${tag}`],
            resources: [{ code: "books:*", actions: ["books:*"], resourceType: "DATA" }],
          },
          {
            targetType: "GROUP",
            targetIdentifiers: [`staff${tag}`],
            resources: [{ code: "orders:1", actions: ["orders:refund"], resourceType: "DATA" }],
          },
          {
            targetType: "ORG",
            targetIdentifiers: [org.rootNode.id],
            resources: [{ code: "reports", actions: ["view"], resourceType: "MENU" }],
          },
        ],
      }),
    (r) => r === true,
  );
  await h.step(
    "acl.isAllowed.roleWildcard",
    () => acl.isAllowed(bob.id, "books:42", "books:list", { namespace: store }),
    (r) => r === true,
  );
  await h.step(
    "acl.isAllowed.group",
    () => acl.isAllowed(ada.id, "orders:1", "orders:refund", { namespace: store }),
    (r) => r === true,
  );
  await h.step(
    "acl.isAllowed.parentNode",
    async () => [
      await acl.isAllowed(bob.id, "reports", "view", { namespace: store }),
      await acl.isAllowed(ada.id, "reports", "view", { namespace: store }),
    ],
    (r) => same(r, [true, false]),
  );
  await h.step(
    "acl.listAuthorizedResourcesBatch",
    () =>
      acl.listAuthorizedResourcesBatch({
        namespace: store,
        targets: [
          { targetType: "GROUP", targetIdentifier: `staff${tag}` },
          { targetType: "ORG", targetIdentifier: org.rootNode.id },
        ],
      }),
    (r) =>
      r.list.length === 2 &&
      r.list[0].list[0].code === "orders:1" &&
      r.list[1].list[0].code === "reports" &&
      r.list[1].list[0].type === "MENU",
  );
  await mgmt.policies.create({
    code: `deny${tag}`,
    namespace: store,
    statements: [{ resource: "books:13", actions: ["books:*"], effect: "DENY", condition: [] }],
  });
  await mgmt.policies.addAssignments([`deny${tag}`], "USER", [bob.id], { namespace: store });
  await h.step(
    "acl.getPoliciesAssignmentsCondition",
    () => acl.getPoliciesAssignmentsCondition(store, `deny${tag}`, "USER"),
    (r) => r.totalCount === 1 && r.list[0].targetIdentifier === bob.id,
  );
  await h.step(
    "acl.isAllowed.denyPolicy",
    async () => [
      await acl.isAllowed(bob.id, "books:13", "books:list", { namespace: store }),
      await acl.isAllowed(bob.id, "books:12", "books:list", { namespace: store }),
    ],
    (r) => same(r, [false, true]),
  );
  await h.step(
    "acl.revokeResources",
    () =>
      acl.revokeResources({
        namespace: store,
        opts: [
          {
            targetType: "GROUP",
            targetIdentifiers: [`staff${tag}`],
            resources: [{ code: "orders:1", actions: ["orders:refund"], resourceType: "DATA" }],
          },
        ],
      }),
    (r) => r === true,
  );
  await h.step(
    "acl.isAllowed.afterRevokeResources",
    () => acl.isAllowed(ada.id, "orders:1", "orders:refund", { namespace: store }),
    (r) => r === false,
  );
  await h.step(
    "acl.revokeResource",
    () =>
      acl.revokeResource({
        namespace: store,
        resource: "books:1",
        opts: [{ targetType: "USER", targetIdentifier: ada.id }],
      }),
    (r) => r === true,
  );
  await h.step(
    "acl.isAllowed.afterRevoke",
    () => acl.isAllowed(ada.id, "books:1", "books:read", { namespace: store }),
    (r) => r === false,
  );
  await h.expectCode(
    "acl.isAllowed.unknownUser",
    () => acl.isAllowed("0".repeat(24), "books:1", "books:read", { namespace: store }),
    2004,
  );
  await h.step("acl.deleteResource", () => acl.deleteResource("books", store), (r) => r === true);
  await h.expectCode(
    "acl.getResourceByCode.deleted",
    () => acl.getResourceByCode({ namespace: store, code: "books" }),
    404,
  );
  await h.step("acl.deleteNamespace", () => acl.deleteNamespace(store), (r) => r === true);
  await h.expectCode(
    "acl.updateNamespace.deleted",
    () => acl.updateNamespace(store, { name: "again" }),
    404,
  );

  const appId = s.app_id;
  const account = await h.step(
    "acl.createProgrammaticAccessAccount",
    () => acl.createProgrammaticAccessAccount(appId, { tokenLifetime: 300, remarks: "ci" }),
    (a) =>
      a.appId === appId &&
      a.remarks === "ci" &&
      a.tokenLifetime === 300 &&
      a.enabled === true &&
      typeof a.secret === "string",
  );
  await h.step(
    "acl.programmaticAccessAccountList",
    () => acl.programmaticAccessAccountList(appId, 1, 50),
    (r) => r.totalCount >= 1 && r.list.some((a) => a.id === account.id),
  );
  const auth = h.authenticationClient();
  await h.step(
    "acl.clientCredentials",
    () =>
      auth.getAccessTokenByClientCredentials("read", {
        accessKey: account.id,
        accessSecret: account.secret,
      }),
    (r) => typeof r.access_token === "string" && r.token_type === "Bearer",
  );
  await h.step(
    "acl.disableProgrammaticAccessAccount",
    () => acl.disableProgrammaticAccessAccount(account.id),
    (a) => a.id === account.id && a.enabled === false,
  );
  await h.step(
    "acl.clientCredentials.disabled",
    () => token(s, account.id, account.secret),
    (r) => r.error === "invalid_client",
  );
  await h.step(
    "acl.enableProgrammaticAccessAccount",
    () => acl.enableProgrammaticAccessAccount(account.id),
    (a) => a.enabled === true,
  );
  const fresh = await h.step(
    "acl.refreshProgrammaticAccessAccountSecret",
    () => acl.refreshProgrammaticAccessAccountSecret(account.id),
    (a) => typeof a.secret === "string" && a.secret.length === 32 && a.secret !== account.secret,
  );
  await h.step(
    "acl.clientCredentials.oldSecret",
    () => token(s, account.id, account.secret),
    (r) => r.error === "invalid_client",
  );
  await h.step(
    "acl.clientCredentials.newSecret",
    () => token(s, account.id, fresh.secret),
    (r) => typeof r.access_token === "string",
  );
  await h.step(
    "acl.deleteProgrammaticAccessAccount",
    () => acl.deleteProgrammaticAccessAccount(account.id),
    (r) => r === true,
  );
  await h.step(
    "acl.clientCredentials.deleted",
    () => token(s, account.id, fresh.secret),
    (r) => r.error === "invalid_client",
  );

  const rules = async () => {
    const page = await acl.getApplicationAccessPolicies({ appId, page: 1, limit: 50 });
    return Object.fromEntries(page.list.map((r) => [r.targetIdentifier, [r.code, r.enabled]]));
  };
  const target = (ids) => ({ appId, targetType: "USER", targetIdentifiers: ids });
  await h.step(
    "acl.allowAccessApplication",
    async () => [await acl.allowAccessApplication(target([ada.id])), await rules()],
    ([r, all]) => r.code === 200 && same(all[ada.id], ["ALLOW", true]),
  );
  await h.step(
    "acl.denyAccessApplication",
    async () => [await acl.denyAccessApplication(target([bob.id])), await rules()],
    ([r, all]) => r.code === 200 && same(all[bob.id], ["DENY", true]),
  );
  await h.step(
    "acl.disableApplicationAccessPolicy",
    async () => [await acl.disableApplicationAccessPolicy(target([bob.id])), await rules()],
    ([r, all]) => r.code === 200 && same(all[bob.id], ["DENY", false]),
  );
  await h.step(
    "acl.enableApplicationAccessPolicy",
    async () => [await acl.enableApplicationAccessPolicy(target([bob.id])), await rules()],
    ([r, all]) => r.code === 200 && same(all[bob.id], ["DENY", true]),
  );
  await h.step(
    "acl.deleteApplicationAccessPolicy",
    async () => [await acl.deleteApplicationAccessPolicy(target([bob.id])), await rules()],
    ([r, all]) => r.code === 200 && !(bob.id in all) && ada.id in all,
  );
  await h.step(
    "acl.getApplicationAccessPolicies",
    () => acl.getApplicationAccessPolicies({ appId, page: 1, limit: 1 }),
    (r) => r.totalCount === 1 && r.list.length === 1 && r.list[0].targetType === "USER",
  );
  await h.step(
    "acl.updateDefaultApplicationAccessPolicy",
    () => acl.updateDefaultApplicationAccessPolicy({ appId, defaultStrategy: "DENY_ALL" }),
    (app) => app.id === appId && app.permissionStrategy.defaultStrategy === "DENY_ALL",
  );
  await h.expectCode(
    "acl.allowAccessApplication.unknownApp",
    () => acl.allowAccessApplication({ ...target([ada.id]), appId: "0".repeat(24) }),
    2011,
  );
};
