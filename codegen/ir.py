"""The generator's intermediate representation: the spec after loading and validation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from codegen.typeref import TypeRef

AuthKind = Literal["none", "user", "management", "client"]
ClientKind = Literal["authentication", "management"]


@dataclass
class FieldDef:
    """A field of an object or input type."""

    wire: str
    type: TypeRef
    python: str
    doc: str
    args: dict[str, TypeRef] = field(default_factory=dict)
    select: bool = True
    """Part of the default selection set (fields with arguments never are)."""
    in_python: bool = True
    """Emitted on the Python model (fields with arguments are schema-only)."""
    required: bool | None = None
    """Override: Python attribute required (no default) even if the wire type is nullable."""
    secret: bool = False
    """Left out of the model's ``repr`` (tokens)."""
    udv: str = ""
    """Custom data role: ``key``, ``type``, ``value`` or ``target`` (see ``spec/README.md``)."""
    server: str = ""
    """Output models with a ``record``: who sets the value (``id``, ``arn``, ``pool``, ``created``,
    ``updated``, ``hash``, ``issued``, ``derived``, ``resolved``, ``serial``, ``order``, ``secret``); empty =
    stored as written."""
    default: Any = None
    """The value of a new record when no input gives one (``$now``: the creation time)."""


@dataclass
class ModelDef:
    name: str
    kind: Literal["object", "input"]
    doc: str
    fields: dict[str, FieldDef]
    graphql: bool
    """Part of the GraphQL schema (REST-only models are not)."""
    source: str
    record: RecordDef | None = None
    """The emulator keeps objects of this output model as records (spec key ``record``)."""
    writes: str = ""
    """Input models: the output model (with a record) whose fields this input sets."""
    writes_skip: tuple[str, ...] = ()
    """Fields of a ``writes`` input that are not record fields (the emulator's logic reads them)."""


@dataclass
class RelationDef:
    """Members of a record: ids of another record kind, kept on the record under ``stored``."""

    name: str
    model: str
    stored: str
    missing: str = ""
    """References: the error name when an argument names no record (default: its not_found)."""


@dataclass
class RecordDef:
    """How the emulator stores an output model (``record:`` in the spec)."""

    entity: str
    key: str
    not_found: str
    unique: dict[str, str] = field(default_factory=dict)
    """Field -> error name raised when another record of the pool has the same value."""
    unique_within: dict[str, str] = field(default_factory=dict)
    """Field -> the field whose value bounds its uniqueness (node codes: per ``orgId``)."""
    scope: str = ""
    """A field scoping the key (roles: ``namespace``); records are unique per scope value."""
    scope_default: str = ""
    scope_kept: bool = False
    """The scope is an argument of the calls, not a model field (whitelist entries per
    ``type``): kept with the record under that name, never answered."""
    relations: dict[str, RelationDef] = field(default_factory=dict)
    references: dict[str, RelationDef] = field(default_factory=dict)
    """Fields holding another record, kept on the record as that record's key (``stored``)."""
    parent: RelationDef | None = None
    """The record each of these belongs to (agreements: their application): ``stored`` is the
    field holding the parent's key, given by the operation's argument of that name."""


@dataclass
class EmulateDef:
    """A recurring behaviour the emulator serves generically (``emulate:`` on an operation)."""

    action: str
    """``create``, ``get``, ``update``, ``delete``, ``list``, ``batch_get``, ``add``, ``remove``,
    ``members``, ``sort``."""
    model: str
    relation: str = ""
    by: str = ""
    """The argument holding the record's key (a list for ``delete`` and ``batch_get``)."""
    rename: str = ""
    ids: str = ""
    message: str = ""
    filters: dict[str, str] = field(default_factory=dict)
    """List filters: argument -> record field it must equal, or ``relation.<name>`` (the
    record's relation holds the argument's value)."""
    set: dict[str, Any] = field(default_factory=dict)
    """Update: constant values written instead of the arguments (``isAdmin: true``)."""
    aliases: dict[str, str] = field(default_factory=dict)
    """Create / update: argument -> the record field it writes under another name (``remark``
    -> ``remarks``); an argument named like the field wins."""


@dataclass
class EnumDef:
    name: str
    doc: str
    values: dict[str, str]
    source: str
    graphql: bool = True


@dataclass
class ParamDef:
    python: str
    type: TypeRef
    doc: str
    location: Literal["variable", "path", "query", "body", "file", "bearer"]
    wire: tuple[str, ...]
    """GraphQL: variable name then input-object field path. REST: key path in the body/query."""
    required: bool
    default: Any = None
    has_default: bool = False
    const: Any = None
    is_const: bool = False
    secret: bool = False
    encrypt: bool = False
    encrypt_fields: tuple[str, ...] = ()
    validate: tuple[str, ...] = ()
    max_items: int | None = None
    chunk: int | None = None
    nullable: bool = False
    choices: tuple[Any, ...] = ()
    """Accepted values of a scalar parameter, checked before sending (``check_choice``)."""
    udv_key: str | None = None
    """A custom data value: JSON-encoded (checked against the type of the field named by this
    parameter, when the client knows it) before sending."""
    missing_lookup: str = ""
    """``missing: group.method``: after a NotFoundError, that batch read (by this list) names the
    items that do not exist (resolved into the ``missing_*`` fields below)."""
    missing_op: str = ""
    """Descriptor constant of the lookup operation."""
    missing_wire: str = ""
    """The lookup's list variable."""
    missing_chunk: int = 0
    """Most items per lookup request."""
    missing_match: str | None = None
    """``missing: {match: param}``: ``strict=True`` raises for asked values absent from the result,
    matched on the result items' wire field named by that parameter's value."""
    client: str | None = None
    """REST: when not given, the runtime sends this client option (``app_id``, ``protocol``...)."""
    unsent: bool = False
    """Declared by the document (as the official clients declare it) but never sent."""
    view: str | None = None
    """``user_id`` or ``app_id``: a required parameter a per-user view fills when not given (the
    signed-in user's id from its token, or the client's ``app_id``)."""


@dataclass
class PaginateDef:
    page: str
    limit: str
    items: str
    total: str


@dataclass
class GraphQLDef:
    op_type: Literal["query", "mutation"]
    op_name: str
    path: list[tuple[str, dict[str, str]]]
    """Fields from the root: (field name, {argument: variable name})."""
    variables: dict[str, TypeRef]
    include: tuple[str, ...] = ()
    document: str = ""
    result: TypeRef | None = None


@dataclass
class RestDef:
    method: str
    path: str
    response: Literal["envelope", "json", "text"]
    host: Literal["api", "websocket"] = "api"
    """``websocket``: sent to the websocket host ``ws.{parent domain}`` (AD login), not the API host."""
    body: Literal["json", "form"] = "json"
    client_auth: str | None = None
    """With ``auth: client``: ``token``, ``introspection`` or ``revocation``."""


@dataclass
class ReturnsDef:
    type: TypeRef | None
    """None: the call returns nothing useful (``None``)."""
    source: Literal["result", "data", "envelope", "body"]


@dataclass
class OperationDef:
    name: str
    title: str
    docs: dict[str, list[str]]
    summary: str
    description: str
    auth: AuthKind
    idempotent: bool
    params: list[ParamDef]
    returns: ReturnsDef
    errors: list[int]
    source: str
    api_class: str
    const_name: str
    sdk_name: str
    graphql: GraphQLDef | None = None
    rest: RestDef | None = None
    paginate: PaginateDef | None = None
    internal: bool = False
    notes: str = ""
    session: Literal["", "login", "renew", "end"] = ""
    """Remember mode: ``login`` stores the returned token, ``renew`` replaces the view's token,
    ``end`` forgets it."""
    emulate: EmulateDef | None = None


@dataclass
class ApiDef:
    """One generated API class (a resource group, or the authentication surfaces)."""

    name: str
    client: ClientKind
    attribute: str | None
    doc: str
    module: str
    sources: list[str]
    operations: list[OperationDef] = field(default_factory=list)
    base: str | None = None
    """``package.module:Class``: a hand-written subclass of ApiBase the class extends (helpers
    built on the generated calls, such as ``qrcode.poll``)."""


@dataclass
class ErrorDef:
    code: int
    name: str
    family: str
    message: str
    en: str = ""
    """The message in English (spec key ``en``)."""
    variants: dict[str, str] = field(default_factory=dict)
    """More precise texts under the same code: name -> message."""
    variants_en: dict[str, str] = field(default_factory=dict)
    """Variant name -> its message in English (when given; else the code's ``en``)."""


@dataclass
class LocalDef:
    """A documented capability the runtime implements locally (no wire form)."""

    name: str
    title: str
    docs: dict[str, list[str]]
    call: str
    summary: str
    source: str
    wire: str = ""
    """What it sends, when it sends something (hand-written calls); empty: no request."""
    client: str = "authentication"
    """The client whose official method it stands for (``authentication`` or ``management``)."""


@dataclass
class Spec:
    files: list[str]
    scalars: dict[str, str]
    enums: dict[str, EnumDef]
    models: dict[str, ModelDef]
    roots: dict[str, dict[str, FieldDef]]
    """``Query`` and ``Mutation`` fields, merged from every file."""
    root_sources: dict[str, set[str]]
    operations: list[OperationDef]
    apis: dict[str, ApiDef]
    errors: dict[int, ErrorDef]
    families: dict[str, str]
    """Error family name -> doc line."""
    local: list[LocalDef] = field(default_factory=list)
