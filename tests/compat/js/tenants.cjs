// The official JS client's tenant module (node run.cjs tenants): tenants, members and
// administrators, external identity providers and their connections, bulk resources.
// (Authing's Python client 4.5.18 has no tenant module, so there is no Python flow.)
"use strict";

const UNKNOWN = "000000000000000000000000";

exports.expected = [
  "tenants.create",
  "tenants.create.unknownApp",
  "tenants.list",
  "tenants.details",
  "tenants.details.unknown",
  "tenants.update",
  "tenants.config",
  "tenants.details.afterUpdate",
  "tenants.addMembers",
  "tenants.addMembers.unknownUser",
  "tenants.members",
  "tenants.updateTenantMember",
  "tenants.setTanentAdmin",
  "tenants.members.afterChanges",
  "tenants.deleteTanentAdmin",
  "tenants.deleteTanentAdmin.notMember",
  "tenants.removeMembers",
  "tenants.members.afterRemove",
  "tenants.createExtIdp",
  "tenants.createExtIdp.takenIdentifier",
  "tenants.listExtIdp",
  "tenants.extIdpDetail",
  "tenants.extIdpDetail.unknown",
  "tenants.updateExtIdp",
  "tenants.checkExtIdpConnectionIdentifierUnique.free",
  "tenants.checkExtIdpConnectionIdentifierUnique.taken",
  "tenants.createExtIdpConnection",
  "tenants.createExtIdpConnection.unknownIdp",
  "tenants.updateExtIdpConnection",
  "tenants.changeExtIdpConnectionState",
  "tenants.listExtIdp.afterChange",
  "tenants.changeExtIdpConnectionState.unknown",
  "tenants.batchChangeExtIdpConnectionState",
  "tenants.extIdpDetail.afterBatch",
  "tenants.deleteExtIdpConnection",
  "tenants.deleteExtIdp",
  "tenants.batchInsertResource",
  "tenants.batchInsertResource.listed",
  "tenants.delete",
  "tenants.details.deleted",
];

exports.flow = async (s, h) => {
  const mgmt = h.managementClient();
  const tenants = mgmt.tenant;
  const name = h.unique("Acme ");
  const ada = await mgmt.users.create({ username: h.unique("ada") });
  const bob = await mgmt.users.create({ username: h.unique("bob") });

  const tenant = await h.step(
    "tenants.create",
    () => tenants.create({ name, appIds: s.app_id, description: "first" }),
    (t) =>
      t.name === name &&
      t.description === "first" &&
      t.userPoolId === s.user_pool_id &&
      t.apps.length === 1 &&
      t.apps[0].id === s.app_id,
  );
  await h.expectCode(
    "tenants.create.unknownApp",
    () => tenants.create({ name: "x", appIds: UNKNOWN }),
    2011,
  );
  await h.step(
    "tenants.list",
    () => tenants.list({ page: 1, limit: 10 }),
    (p) => p.totalCount === 1 && p.list[0].id === tenant.id && p.list[0].name === name,
  );
  await h.step(
    "tenants.details",
    () => tenants.details(tenant.id),
    (t) => t.id === tenant.id && t.apps[0].id === s.app_id,
  );
  await h.expectCode("tenants.details.unknown", () => tenants.details(UNKNOWN), 404);
  await h.step(
    "tenants.update",
    () => tenants.update(tenant.id, { name: `${name} 2`, logo: "https://l/a.png" }),
    (r) => r === true,
  );
  await h.step(
    "tenants.config",
    () =>
      tenants.config(tenant.id, {
        css: ".a{}",
        ssoPageCustomizationSettings: { hideIdp: true },
      }),
    (r) => r === true,
  );
  await h.step(
    "tenants.details.afterUpdate",
    () => tenants.details(tenant.id),
    (t) =>
      t.name === `${name} 2` &&
      t.logo === "https://l/a.png" &&
      t.css === ".a{}" &&
      t.ssoPageCustomizationSettings.hideIdp === true,
  );

  await h.step(
    "tenants.addMembers",
    () => tenants.addMembers(tenant.id, [ada.id, bob.id]),
    (t) => t.id === tenant.id && t.users.map((u) => u.id).join() === `${ada.id},${bob.id}`,
  );
  await h.expectCode(
    "tenants.addMembers.unknownUser",
    () => tenants.addMembers(tenant.id, [UNKNOWN]),
    2004,
  );
  await h.step(
    "tenants.members",
    () => tenants.members(tenant.id, { page: 1, limit: 10 }),
    (p) =>
      p.listTotal === 2 &&
      p.list[0].tenantId === tenant.id &&
      p.list[0].user.id === ada.id &&
      p.list[0].user.username === ada.username &&
      p.list[1].user.id === bob.id,
  );
  await h.step(
    "tenants.updateTenantMember",
    () => tenants.updateTenantMember(tenant.id, bob.id, false),
    (r) => r === true,
  );
  await h.step(
    "tenants.setTanentAdmin",
    () => tenants.setTanentAdmin(tenant.id, { userIds: [ada.id] }),
    (r) => r === true,
  );
  await h.step(
    "tenants.members.afterChanges",
    () => tenants.members(tenant.id, {}),
    (p) =>
      p.list[0].isAdmin === true &&
      p.list[0].isEnabled === true &&
      p.list[1].isAdmin === false &&
      p.list[1].isEnabled === false,
  );
  await h.step(
    "tenants.deleteTanentAdmin",
    () => tenants.deleteTanentAdmin(tenant.id, ada.id),
    (r) => r === true,
  );
  // JS turns any error into false.
  await h.step(
    "tenants.deleteTanentAdmin.notMember",
    () => tenants.deleteTanentAdmin(tenant.id, UNKNOWN),
    (r) => r === false,
  );
  await h.step(
    "tenants.removeMembers",
    () => tenants.removeMembers(tenant.id, bob.id),
    (r) => r === null,
  );
  await h.step(
    "tenants.members.afterRemove",
    () => tenants.members(tenant.id, {}),
    (p) => p.listTotal === 1 && p.list[0].user.id === ada.id && p.list[0].isAdmin === false,
  );

  const identifier = h.unique("wechat-");
  const idp = await h.step(
    "tenants.createExtIdp",
    () =>
      tenants.createExtIdp({
        tenantId: tenant.id,
        name: "WeChat",
        type: "wechat",
        connections: [
          {
            type: "wechat:pc",
            identifier,
            displayName: "WeChat PC",
            fields: { clientID: "id1", clientSecret: "s1" },
            userMatchFields: ["email"],
          },
        ],
      }),
    (i) =>
      i.name === "WeChat" &&
      i.type === "wechat" &&
      i.tenantId === tenant.id &&
      i.connections.length === 1 &&
      i.connections[0].identifier === identifier &&
      i.connections[0].enabled === true &&
      i.connections[0].fields.clientID === "id1",
  );
  await h.expectCode(
    "tenants.createExtIdp.takenIdentifier",
    () =>
      tenants.createExtIdp({
        name: "Again",
        type: "wechat",
        connections: [{ type: "wechat:pc", identifier, displayName: "x", fields: {} }],
      }),
    409,
  );
  await h.step(
    "tenants.listExtIdp",
    () => tenants.listExtIdp(tenant.id),
    (list) => list.length === 1 && list[0].id === idp.id && list[0].connections.length === 1,
  );
  await h.step(
    "tenants.extIdpDetail",
    () => tenants.extIdpDetail(idp.id),
    (i) => i.id === idp.id && i.connections[0].displayName === "WeChat PC",
  );
  await h.expectCode("tenants.extIdpDetail.unknown", () => tenants.extIdpDetail(UNKNOWN), 404);
  await h.step(
    "tenants.updateExtIdp",
    () => tenants.updateExtIdp(idp.id, { name: "WeChat 2" }),
    (i) => i.id === idp.id && i.name === "WeChat 2",
  );
  // true means "taken" (JS: any error); false that the identifier is free.
  const second = h.unique("oidc-");
  await h.step(
    "tenants.checkExtIdpConnectionIdentifierUnique.free",
    () => tenants.checkExtIdpConnectionIdentifierUnique(second),
    (r) => r === false,
  );
  await h.step(
    "tenants.checkExtIdpConnectionIdentifierUnique.taken",
    () => tenants.checkExtIdpConnectionIdentifierUnique(identifier),
    (r) => r === true,
  );
  const conn = await h.step(
    "tenants.createExtIdpConnection",
    () =>
      tenants.createExtIdpConnection({
        extIdpId: idp.id,
        type: "wechatmp-qrcode",
        identifier: second,
        displayName: "WeChat MP",
        fields: { clientID: "id2" },
      }),
    (c) => c.extIdpId === idp.id && c.identifier === second && c.enabled === true && c.id,
  );
  await h.expectCode(
    "tenants.createExtIdpConnection.unknownIdp",
    () =>
      tenants.createExtIdpConnection({
        extIdpId: UNKNOWN,
        type: "oidc",
        identifier: h.unique("x-"),
        displayName: "x",
        fields: {},
      }),
    404,
  );
  await h.step(
    "tenants.updateExtIdpConnection",
    () =>
      tenants.updateExtIdpConnection(conn.id, {
        displayName: "WeChat MP 2",
        fields: { clientID: "id3" },
        logo: "https://l/c.png",
      }),
    (c) => c.id === conn.id && c.displayName === "WeChat MP 2" && c.fields.clientID === "id3",
  );
  await h.step(
    "tenants.changeExtIdpConnectionState",
    () => tenants.changeExtIdpConnectionState(conn.id, { tenantId: tenant.id, enabled: false }),
    (r) => r === true,
  );
  await h.step(
    "tenants.listExtIdp.afterChange",
    () => tenants.listExtIdp(tenant.id),
    (list) => {
      const byId = Object.fromEntries(list[0].connections.map((c) => [c.id, c.enabled]));
      return byId[conn.id] === false && byId[idp.connections[0].id] === true;
    },
  );
  await h.step(
    "tenants.changeExtIdpConnectionState.unknown",
    () => tenants.changeExtIdpConnectionState(UNKNOWN, { enabled: false }),
    (r) => r === false,
  );
  await h.step(
    "tenants.batchChangeExtIdpConnectionState",
    () => tenants.batchChangeExtIdpConnectionState(idp.id, { enabled: false }),
    (r) => r === true,
  );
  await h.step(
    "tenants.extIdpDetail.afterBatch",
    () => tenants.extIdpDetail(idp.id),
    (i) => i.connections.length === 2 && i.connections.every((c) => c.enabled === false),
  );
  await h.step(
    "tenants.deleteExtIdpConnection",
    () => tenants.deleteExtIdpConnection(conn.id),
    (r) => r === null,
  );
  await h.step(
    "tenants.deleteExtIdp",
    () => tenants.deleteExtIdp(idp.id),
    (r) => r === null,
  );

  const code = h.unique("books");
  await h.step(
    "tenants.batchInsertResource",
    () =>
      tenants.batchInsertResource({
        bulk: [
          {
            code,
            type: "DATA",
            actions: [{ name: "books:read", description: "read" }],
            namespace: "default",
          },
        ],
      }),
    (r) => r === true,
  );
  await h.step(
    "tenants.batchInsertResource.listed",
    () => mgmt.acl.listResources({ namespace: "default" }),
    (p) => p.list.some((r) => r.code === code && r.actions[0].name === "books:read"),
  );
  await h.step(
    "tenants.delete",
    () => tenants.delete(tenant.id),
    (r) => r === null,
  );
  await h.expectCode("tenants.details.deleted", () => tenants.details(tenant.id), 404);
};
