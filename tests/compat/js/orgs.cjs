// The official JS client's org module (node run.cjs orgs): every method with a wire. startSync is
// left out: it syncs from a DingTalk, WeCom or AD directory, which the emulator does not have.
"use strict";

const graphqlapi = require("authing-js-sdk/build/main/lib/graphqlapi");

exports.expected = [
  "org.create",
  "org.create.second",
  "org.addNode",
  "org.addNode.duplicateCode",
  "org.getNodeById",
  "org.getNodeById.unknown",
  "org.getNodeByCode",
  "org.updateNode",
  "org.findById",
  "org.list",
  "org.getAllOrgs",
  "org.listChildren",
  "org.rootNode",
  "org.isRootNode",
  "org.isRootNode.child",
  "org.moveNode",
  "org.moveNode.root",
  "org.searchNodes",
  "org.addMembers",
  "org.listMembers",
  "org.listMembers.ownOnly",
  "org.setMainDepartment",
  "org.moveMembers",
  "org.removeMembers",
  "org.listAuthorizedResourcesByNodeId",
  "org.listAuthorizedResourcesByNodeCode",
  "org.importByJson",
  "org.exportByOrgId",
  "org.exportAll",
  "org.getOrgByTenantId",
  "org.deleteNode",
  "org.deleteNode.root",
  "org.deleteById",
  "org.findById.deleted",
  "org.startSync.noConnection",
];

exports.flow = async (s, h) => {
  const mgmt = h.managementClient();
  const tag = h.unique("");
  const ada = (await mgmt.users.create({ username: `org_ada_${tag}` })).id;
  const bob = (await mgmt.users.create({ username: `org_bob_${tag}` })).id;

  const org = await h.step(
    "org.create",
    () => mgmt.org.create(`Acme ${tag}`, "the company", `acme${tag}`, `tenant${tag}`),
    (o) =>
      o.rootNode.root === true &&
      o.rootNode.code === `acme${tag}` &&
      o.rootNode.description === "the company" &&
      o.nodes.length === 1 &&
      o.nodes[0].id === o.rootNode.id,
  );
  const orgId = org.id;
  const rootId = org.rootNode.id;
  const second = await h.step(
    "org.create.second",
    () => mgmt.org.create(`Beta ${tag}`),
    (o) => o.rootNode.name === `Beta ${tag}` && o.rootNode.depth === 0,
  );
  const eng = await h.step(
    "org.addNode",
    () => mgmt.org.addNode(orgId, rootId, { name: "Engineering", code: "eng", order: 2 }),
    (n) => n.orgId === orgId && n.depth === 1 && n.path[0] === rootId && n.order === 2,
  );
  await h.expectCode(
    "org.addNode.duplicateCode",
    () => mgmt.org.addNode(orgId, rootId, { name: "Again", code: "eng" }),
    2026,
  );
  const web = await mgmt.org.addNode(orgId, eng.id, { name: "Web", code: "web" });
  const sales = await mgmt.org.addNode(orgId, rootId, { name: "Sales", code: "sales" });
  await h.step(
    "org.getNodeById",
    () => mgmt.org.getNodeById(web.id),
    (n) => n.path.join() === [rootId, eng.id, web.id].join() && n.root === false,
  );
  await h.expectCode(
    "org.getNodeById.unknown",
    () => mgmt.org.getNodeById("0".repeat(24)),
    404,
  );
  await h.step(
    "org.getNodeByCode",
    () => mgmt.org.getNodeByCode(orgId, "web"),
    (n) => n.id === web.id && n.depth === 2,
  );
  await h.step(
    "org.updateNode",
    () => mgmt.org.updateNode(web.id, { name: "Frontend", description: "web apps" }),
    (n) => n.name === "Frontend" && n.description === "web apps" && n.code === "web",
  );
  await h.step(
    "org.findById",
    () => mgmt.org.findById(orgId),
    (o) =>
      o.nodes.length === 4 &&
      o.tree.children.map((c) => c.id).join() === [eng.id, sales.id].join() &&
      o.tree.children[0].children[0].id === web.id,
  );
  await h.step(
    "org.list",
    () => mgmt.org.list(1, 10),
    (r) =>
      r.totalCount === 2 &&
      r.list.map((o) => o.id).sort().join() === [orgId, second.id].sort().join(),
  );
  await h.step(
    "org.getAllOrgs",
    () => mgmt.org.getAllOrgs(1, 10),
    (r) =>
      r.totalCount === 2 &&
      r.list.length === 2 &&
      r.list.some((o) => o.id === orgId && o.rootNodeId === rootId && o.tenantId === `tenant${tag}`),
  );
  await h.step(
    "org.listChildren",
    () => mgmt.org.listChildren(eng.id),
    (nodes) => nodes.length === 1 && nodes[0].id === web.id,
  );
  await h.step(
    "org.rootNode",
    () => mgmt.org.rootNode(orgId),
    (n) => n.id === rootId && n.codePath.join() === `acme${tag}`,
  );
  await h.step("org.isRootNode", () => mgmt.org.isRootNode(orgId, rootId), (r) => r === true);
  await h.step(
    "org.isRootNode.child",
    () => mgmt.org.isRootNode(orgId, eng.id),
    (r) => r === false,
  );
  await h.step(
    "org.moveNode",
    () => mgmt.org.moveNode(orgId, eng.id, sales.id),
    (o) =>
      o.nodes.find((n) => n.id === web.id).path.join() ===
        [rootId, sales.id, eng.id, web.id].join() && o.tree.children[0].id === sales.id,
  );
  await h.expectCode("org.moveNode.root", () => mgmt.org.moveNode(orgId, rootId, eng.id), 400);
  await h.step(
    "org.searchNodes",
    () => mgmt.org.searchNodes("FRONT"),
    (nodes) => nodes.length === 1 && nodes[0].id === web.id && nodes[0].namePath[3] === "Frontend",
  );

  await h.step(
    "org.addMembers",
    () => mgmt.org.addMembers(eng.id, [ada, bob]),
    (users) => users.totalCount === 2 && users.list.some((u) => u.id === ada),
  );
  await mgmt.org.addMembers(web.id, [bob]);
  await h.step(
    "org.listMembers",
    () => mgmt.org.listMembers(sales.id, { page: 1, limit: 10 }),
    (users) => users.totalCount === 2 && users.list.map((u) => u.id).sort().join() === [ada, bob].sort().join(),
  );
  await h.step(
    "org.listMembers.ownOnly",
    () => mgmt.org.listMembers(sales.id, { includeChildrenNodes: false }),
    (users) => users.totalCount === 0 && users.list.length === 0,
  );
  await h.step(
    "org.setMainDepartment",
    () => mgmt.org.setMainDepartment(ada, eng.id),
    (r) => r.code === 200,
  );
  await h.step(
    "org.moveMembers",
    () => mgmt.org.moveMembers({ userIds: [ada], sourceNodeId: eng.id, targetNodeId: web.id }),
    (r) => r === true,
  );
  await h.step(
    "org.removeMembers",
    () => mgmt.org.removeMembers(web.id, [bob]),
    (users) => users.totalCount === 1 && users.list[0].id === ada,
  );

  // Set-up through the client's own authorizeResource document with the resourceType it declares
  // (its acl.authorizeResource leaves it out; the acl module's flow covers that call).
  await graphqlapi.authorizeResource(mgmt.org.graphqlClient, mgmt.org.tokenProvider, {
    namespace: "default",
    resource: `books${tag}`,
    resourceType: "DATA",
    opts: [{ targetType: "ORG", targetIdentifier: eng.id, actions: ["books:read"] }],
  });
  await h.step(
    "org.listAuthorizedResourcesByNodeId",
    () => mgmt.org.listAuthorizedResourcesByNodeId(eng.id, "default"),
    (r) =>
      r.totalCount === 1 &&
      r.list[0].code === `books${tag}` &&
      r.list[0].type === "DATA" &&
      r.list[0].actions.join() === "books:read",
  );
  await h.step(
    "org.listAuthorizedResourcesByNodeCode",
    () => mgmt.org.listAuthorizedResourcesByNodeCode(orgId, "eng", "default", { resourceType: "API" }),
    (r) => r.totalCount === 0 && r.list.length === 0,
  );

  const tree = {
    name: `Feifan ${tag}`,
    code: `feifan${tag}`,
    children: [
      { name: "Operations", code: "operation", description: "business" },
      { name: "R&D", code: "dev", children: [{ name: "Backend", code: "backend" }] },
    ],
  };
  const imported = await h.step(
    "org.importByJson",
    () => mgmt.org.importByJson(tree),
    (trees) =>
      trees.length === 1 &&
      trees[0].code === `feifan${tag}` &&
      trees[0].children.map((c) => c.code).join() === "operation,dev" &&
      trees[0].children[1].children[0].name === "Backend",
  );
  const importedOrg = imported[0].orgId;
  await h.step(
    "org.exportByOrgId",
    () => mgmt.org.exportByOrgId(importedOrg),
    (t) => t.id === imported[0].id && t.children[0].description === "business" && t.members.length === 0,
  );
  await h.step(
    "org.exportAll",
    () => mgmt.org.exportAll(),
    (trees) =>
      trees.map((t) => t.orgId).join() === [orgId, second.id, importedOrg].join() &&
      trees[0].children[0].children[0].children[0].members.map((m) => m.id).join() === ada,
  );
  await h.step(
    "org.getOrgByTenantId",
    () => mgmt.org.getOrgByTenantId(`tenant${tag}`),
    (orgs) => orgs.length === 1 && orgs[0].id === orgId && orgs[0].rootNode.id === rootId,
  );

  await h.step(
    "org.deleteNode",
    () => mgmt.org.deleteNode(orgId, eng.id),
    (r) => r.code === 200,
  );
  await h.expectCode("org.deleteNode.root", () => mgmt.org.deleteNode(orgId, rootId), 400);
  await h.step(
    "org.deleteById",
    () => mgmt.org.deleteById(second.id),
    (r) => r.code === 200,
  );
  await h.expectCode("org.findById.deleted", () => mgmt.org.findById(second.id), 404);
  // the emulator connects to no DingTalk / WeCom directory: the service's refusal (404)
  await h.expectCode(
    "org.startSync.noConnection",
    () => mgmt.org.startSync({ providerType: "wechatwork" }),
    404,
  );
};
