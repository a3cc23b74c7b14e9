// The official JS client's groups module (node run.cjs groups).
"use strict";

// Set-up through the client's own transport: its authorizeResource sends no resourceType.
const AUTHORIZE = `mutation authorizeResource($namespace: String, $resource: String, $resourceType: ResourceType, $opts: [AuthorizeResourceOpt]) {
  authorizeResource(namespace: $namespace, resource: $resource, resourceType: $resourceType, opts: $opts) { code message }
}`;

async function authorize(mgmt, variables) {
  const token = await mgmt.tokenProvider.getToken();
  return mgmt.graphqlClient.request({ query: AUTHORIZE, token, variables });
}

exports.expected = [
  "groups.create",
  "groups.detail",
  "groups.update",
  "groups.list",
  "groups.addUsers",
  "groups.listUsers",
  "groups.removeUsers",
  "groups.listAuthorizedResources",
  "groups.addUsers.unknownGroup",
  "groups.delete",
  "groups.deleteMany",
];

exports.flow = async (s, h) => {
  const mgmt = h.managementClient();
  const code = h.unique("staff_");
  const other = h.unique("guests_");

  await h.step(
    "groups.create",
    () => mgmt.groups.create(code, "Staff", "everyone on staff"),
    (g) => g.code === code && g.name === "Staff" && g.description === "everyone on staff",
  );
  await mgmt.groups.create(other, "Guests");
  await h.step(
    "groups.detail",
    () => mgmt.groups.detail(code),
    (g) => g.code === code && g.name === "Staff",
  );
  await h.step(
    "groups.update",
    () => mgmt.groups.update(code, { name: "Staff members" }),
    (g) => g.code === code && g.name === "Staff members",
  );
  await h.step(
    "groups.list",
    () => mgmt.groups.list(1, 100),
    (p) => p.totalCount >= 2 && [code, other].every((c) => p.list.some((g) => g.code === c)),
  );
  const ada = await mgmt.users.create({ username: h.unique("ada_"), password: h.PASSWORD });
  await h.step(
    "groups.addUsers",
    () => mgmt.groups.addUsers(code, [ada.id]),
    (r) => r.code === 200,
  );
  await h.step(
    "groups.listUsers",
    () => mgmt.groups.listUsers(code),
    (p) => p.totalCount === 1 && p.list[0].id === ada.id,
  );
  await h.step(
    "groups.removeUsers",
    () => mgmt.groups.removeUsers(code, [ada.id]),
    (r) => r.code === 200,
  );
  await authorize(mgmt, {
    namespace: "default",
    resource: "/api/orders",
    resourceType: "API",
    opts: [{ targetType: "GROUP", targetIdentifier: code, actions: ["GET"] }],
  });
  await h.step(
    "groups.listAuthorizedResources",
    () => mgmt.groups.listAuthorizedResources(code, "default"),
    (p) =>
      p.totalCount === 1 &&
      p.list[0].code === "/api/orders" &&
      p.list[0].type === "API" &&
      p.list[0].actions.join() === "GET",
  );
  await h.expectCode(
    "groups.addUsers.unknownGroup",
    () => mgmt.groups.addUsers(h.unique("nobody_"), [ada.id]),
    404,
  );
  await h.step(
    "groups.delete",
    () => mgmt.groups.delete(code),
    (r) => r.code === 200,
  );
  await h.step(
    "groups.deleteMany",
    () => mgmt.groups.deleteMany([other]),
    (r) => r.code === 200,
  );
};
