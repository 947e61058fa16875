"""The dataclasses whose methods are written out (annotator.model: imported before
the first frame, they are not compiled at every start) behave as the decorator's
own would: every field in ``__init__`` (with its default), ``__repr__``,
``__eq__`` and, for the frozen ones, the hash; frozen ones refuse assignment.
A field added to one of them and forgotten in a method fails here."""

import dataclasses
import inspect

import pytest

from annotator import model, schema, session, settings
from annotator.tui import flows, keymap

CLASSES = [
    model.Span, model.Ref, model.Entity, model.Argument, model.Event, model.Attribution, model.Relation,
    model.Document, model.AnnotationSet,
    schema.EntityLabel, schema.EventType, schema.AttributeSpec, schema.Schema,
    settings.Settings, keymap.Row, session.Step, session.ChangeReport, flows.AttributionDraft,
]  # fmt: skip


def reference(cls):
    """The class as ``dataclass`` itself makes it from the same fields."""
    specs = []
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            specs.append((f.name, f.type, dataclasses.field(default=f.default)))
        elif f.default_factory is not dataclasses.MISSING:
            specs.append((f.name, f.type, dataclasses.field(default_factory=f.default_factory)))
        else:
            specs.append((f.name, f.type))
    frozen = issubclass(cls, model._Frozen)
    ref = dataclasses.make_dataclass(cls.__name__, specs, frozen=frozen)
    ref.__qualname__ = cls.__qualname__
    return ref, frozen


def values(cls, tag=""):
    return [f"{tag}{cls.__name__}.{f.name}" for f in dataclasses.fields(cls)]


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_written_out_methods_are_the_decorators(cls):
    ref, frozen = reference(cls)
    vals = values(cls)
    ours, theirs = cls(*vals), ref(*vals)
    assert repr(ours) == repr(theirs)
    assert ours == cls(*vals) and ours != theirs  # (another class: not equal, as dataclasses do)
    names = [f.name for f in dataclasses.fields(cls)]
    assert list(inspect.signature(cls).parameters) == names
    assert cls(**dict(zip(names, vals))) == ours
    for i, name in enumerate(names):  # every field counts in __eq__
        other = list(vals)
        other[i] = "changed"
        assert cls(*other) != ours, name
        assert getattr(cls(*other), name) == "changed"
    assert dataclasses.replace(ours, **{names[0]: "x"}) == cls("x", *vals[1:])
    if frozen:
        if "__hash__" not in cls.__dict__ or cls.__hash__(ours) == hash(tuple(vals)):
            assert hash(ours) == hash(theirs)
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(ours, names[0], "y")
        with pytest.raises(dataclasses.FrozenInstanceError):
            delattr(ours, names[0])
    else:
        assert cls.__hash__ is None
        setattr(ours, names[0], "y")
        assert getattr(ours, names[0]) == "y"


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_the_defaults_are_the_fields(cls):
    ref, _frozen = reference(cls)
    required = [f for f in dataclasses.fields(cls) if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
    vals = [f"r.{f.name}" for f in required]
    ours, theirs = cls(*vals), ref(*vals)
    assert repr(ours) == repr(theirs)
    for f in dataclasses.fields(cls):
        if f.default_factory is not dataclasses.MISSING:  # a new one each time
            assert getattr(ours, f.name) is not getattr(cls(*vals), f.name)
