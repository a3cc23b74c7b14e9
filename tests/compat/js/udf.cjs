// The official JS client's udf module: user-defined fields and values of any target type
// (node run.cjs udf).
"use strict";

exports.expected = [
  "udf.set",
  "udf.list",
  "udf.setUdvBatch",
  "udf.listUdv",
  "udf.setUdvBatch.wrongType",
  "udf.listUdv.unknownTarget",
  "udf.remove",
  "udf.list.afterRemove",
];

exports.flow = async (s, h) => {
  const mgmt = h.managementClient();
  const key = h.unique("rank_");
  const role = await mgmt.roles.create(h.unique("editor_"));

  await h.step(
    "udf.set",
    () => mgmt.udf.set("ROLE", key, "NUMBER", "Rank"),
    (f) => f.targetType === "ROLE" && f.key === key && f.dataType === "NUMBER" && f.label === "Rank",
  );
  await h.step(
    "udf.list",
    () => mgmt.udf.list("ROLE"),
    (fields) => fields.filter((f) => f.key === key && f.dataType === "NUMBER").length === 1,
  );
  await h.step(
    "udf.setUdvBatch",
    () => mgmt.udf.setUdvBatch("ROLE", role.id, [{ key, value: 3 }]),
    (values) =>
      values.length === 1 &&
      values[0].key === key &&
      values[0].dataType === "NUMBER" &&
      values[0].value === 3,
  );
  await h.step(
    "udf.listUdv",
    () => mgmt.udf.listUdv("ROLE", role.id),
    (values) =>
      values.length === 1 && values[0].key === key && values[0].value === 3 && values[0].label === "Rank",
  );
  await h.expectCode(
    "udf.setUdvBatch.wrongType",
    () => mgmt.udf.setUdvBatch("ROLE", role.id, [{ key, value: "high" }]),
    400,
  );
  await h.expectCode(
    "udf.listUdv.unknownTarget",
    () => mgmt.udf.listUdv("ROLE", "000000000000000000000000"),
    404,
  );
  await h.step(
    "udf.remove",
    () => mgmt.udf.remove("ROLE", key),
    (r) => r.code === 200,
  );
  await h.step(
    "udf.list.afterRemove",
    () => mgmt.udf.list("ROLE"),
    (fields) => fields.every((f) => f.key !== key),
  );
};
