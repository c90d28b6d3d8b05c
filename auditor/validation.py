"""The files a school writes (site.yaml, checklists, province.yaml, reviews.yaml, departments) are pydantic
models; `check` turns pydantic's errors into auditor's: the file, the line of the key or value (yamlsrc keeps
them), what is wrong and what to write instead — one error, the first in the file, never a traceback."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from types import UnionType
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    create_model,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError, PydanticUndefined

from auditor.errors import InputError, words
from auditor.wording import catalogue, say
from auditor.yamlsrc import Key, Located

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


class Model(BaseModel):
    """A mapping in one of the files: its keys known (a typo is an error that suggests the right one), values
    taken as written (10 is a number, "10" is text), and a key left empty (`crawl:`) means the default."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _empty_is_default(cls, data: Any) -> Any:
        return {k: v for k, v in data.items() if v is not None} if isinstance(data, dict) else data


@dataclass(frozen=True)
class Says:
    """Wording for the errors at or under a field, where the general one would not do: the catalogue's
    `errors.<key>` (message and/or hint), formatted with {key} (the key the error is at), {parent} (the key
    above it), {input} (what was written), {value} (its repr) and `facts`."""

    key: str
    facts: tuple[tuple[str, str], ...] = ()


def fault(key: str) -> PydanticCustomError:
    """A domain check's error, raised by a validator: placed like a schema error, worded as Says is (the
    catalogue's `errors.<key>`; without a hint, given the field's example)."""
    return PydanticCustomError("auditor", "{said}", {"said": key})


def _listed(value: Any) -> Any:
    return (value,) if isinstance(value, str) else tuple(value) if isinstance(value, list) else value


Listed = Annotated[tuple[T, ...], BeforeValidator(_listed)]  # a list, or one value standing for a list of it
Text = Annotated[str, Field(min_length=1)]  # stripped, and not empty


def weights(name: str, known: dict[str, float]) -> type[Model]:
    """`{weights: {name: number ≥ 0}}`, each over its default in `known` (the assessment's, the province's)."""
    numbers = create_model(
        f"{name}Weights", __base__=Model, **{k: (float, Field(v, ge=0.0)) for k, v in known.items()}
    )
    return create_model(name, __base__=Model, weights=(numbers, numbers()))


RANGE = {  # pydantic's range errors → the sign, and the ctx field holding the limit
    "greater_than_equal": ("≥", "ge"),
    "greater_than": (">", "gt"),
    "less_than_equal": ("≤", "le"),
    "less_than": ("<", "lt"),
}
TYPES = ("bool", "int", "float", "string", "list", "tuple", "dict", "model", "date")  # errors.what.*


def check(
    doc: Located,
    model: type[M],
    data: Any,
    root: Says | None = None,
    subject: Callable[[Key], str] = lambda loc: "",
    see: str = "see_configuration",
) -> M:
    """`data` (read from `doc`) as a `model`, or its first error as an InputError at that key's line. `root` words
    an error about the whole file, `subject` names what a key belongs to (an item), `see` is the last hint (a
    key of the catalogue's errors.hint). Worded in the language the command speaks."""
    try:
        return model.model_validate(data)
    except ValidationError as e:
        errors = [(tuple(p for p in err["loc"] if p != "[key]"), err) for err in e.errors()]
    loc, err = min(errors, key=lambda x: (x[1]["type"] == "missing", doc.line(*x[0]) or 0))
    message, hint = _words(model, loc, err, say(f"errors.hint.{see}"))
    if not loc and root is not None:
        said = words(root.key, **dict(root.facts))
        message, hint = said[0] or message, said[1] or hint
    raise InputError(doc.path, doc.line(*loc), subject(loc) + message, hint)


def _words(model: type[BaseModel], loc: Key, err: Any, see: str) -> tuple[str, str]:
    kind, says = err["type"], []
    ctx = {k: _number(v) for k, v in (err.get("ctx") or {}).items()}
    if isinstance(ctx.get("expected"), str):  # pydantic's "'a', 'b' or 'c'"
        ctx["expected"] = ctx["expected"].replace(" or ", say("errors.or"))
    fields, reached = _walk(model, loc[:-1] if kind == "extra_forbidden" else loc, says)
    key, parent = (loc[-1] if loc else ""), (loc[-2] if len(loc) > 1 else "")
    value = repr(err["input"]) if len(repr(err["input"])) <= 60 else repr(err["input"])[:57] + "…"
    each = isinstance(key, int) and not isinstance(key, bool)
    name = say("errors.name.each" if each else "errors.name.key", key=key, parent=parent)
    facts = {**ctx, "key": key, "parent": parent, "input": err["input"], "value": value, "name": name}
    example = next((x for x in (_example(k, f) for k, f in reversed(fields)) if x), "")
    hint = say("errors.hint.example", example=example) if example else see
    first = kind.split("_")[0]
    if kind == "auditor":
        message, said = words(ctx["said"], **facts)
        hint = said or hint
    elif first in TYPES and kind.endswith(("_type", "_parsing", "_from_float")):
        message = say("errors.says.type", what=say(f"errors.what.{first}"), **facts)
    elif f"errors.says.{kind}" in catalogue():
        message = say(f"errors.says.{kind}", **facts)
    else:
        message = say("errors.says.other", msg=err["msg"], **facts)
    if kind == "extra_forbidden" and isinstance(reached, type) and issubclass(reached, BaseModel):
        known = [f.alias or n for n, f in reached.model_fields.items()]
        if parent != "" and len(known) <= 4:  # a small mapping: say all it takes
            message += say("errors.says.takes_only", parent=parent, known=_and(known))
        if close := difflib.get_close_matches(str(key), known, n=1):
            hint = say("errors.hint.did_you_mean", close=close[0])
        elif not example:
            hint = say("errors.hint.known_keys", known=_and(sorted(known)))
    elif kind == "missing":
        example = _example(key, fields[-1][1]) if fields else ""
        hint = (
            say("errors.hint.add_example", example=example)
            if example
            else say("errors.hint.add_see", see=see)
        )
    elif kind in RANGE:
        default = fields[-1][1].default if fields else None
        hint = say("errors.hint.range", op=RANGE[kind][0], limit=ctx[RANGE[kind][1]])
        hint += (
            say("errors.hint.default", default=_number(default)) if isinstance(default, (int, float)) else ""
        )
    elif kind == "literal_error":
        hint = say("errors.hint.one_of", expected=ctx["expected"])
    elif kind == "invalid_key":
        hint = say("errors.hint.quote_key")
    if says:  # the nearest field's own words
        own = words(says[-1].key, **facts, **dict(says[-1].facts))
        message, hint = own[0] or message, own[1] or hint
    return message, hint


def _number(value: Any) -> Any:  # 48, not 48.0
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _and(names: list[str]) -> str:
    """ "a, b and c" / "a、b、c", as the language lists."""
    return say("errors.and").join(filter(None, [say("errors.comma").join(names[:-1]), names[-1]]))


def _walk(model: Any, loc: Key, says: list[Says]) -> tuple[list[tuple[Any, FieldInfo]], Any]:
    """The fields `loc` passes through (outermost first, each with its key) and the type it reaches; gathers
    the Says found on the way into `says`."""
    fields: list[tuple[Any, FieldInfo]] = []
    t = _bare(model, says)
    for part in loc:
        if isinstance(t, type) and issubclass(t, BaseModel):
            f = next((f for n, f in t.model_fields.items() if (f.alias or n) == part), None)
            if f is None:
                return fields, None
            fields.append((part, f))
            says += [m for m in f.metadata if isinstance(m, Says)]
            t = f.annotation
        elif get_origin(t) in (list, tuple, dict):
            t = [a for a in get_args(t) if a is not Ellipsis][-1]
        else:
            return fields, None
        t = _bare(t, says)
    return fields, t


def _bare(t: Any, says: list[Says]) -> Any:
    """`t` without Annotated (its Says gathered) and without `| None`."""
    while True:
        if get_origin(t) is Annotated:
            says += [m for m in get_args(t)[1:] if isinstance(m, Says)]
            t = get_args(t)[0]
        elif (
            get_origin(t) in (Union, UnionType) and len([a for a in get_args(t) if a is not type(None)]) == 1
        ):
            t = next(a for a in get_args(t) if a is not type(None))
        else:
            return t


def _example(key: Any, f: FieldInfo) -> str:
    """`key: value` in YAML, from the field's first example or its default (when that says something)."""
    value = f.examples[0] if f.examples else f.default
    if value in (None, PydanticUndefined, "", (), [], {}) or isinstance(value, BaseModel):
        return ""
    return f"{key}: {_flow(value)}"


def _flow(value: Any) -> str:
    """`value` in YAML's flow style, as the docs write it (no quotes around a URL)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return str(value).lower() if isinstance(value, bool) else str(value)
