"""The exported JSON Schema is current and real `extract` output validates against it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from eventwire.records import DOCUMENT_SCHEMA, ERROR_SCHEMA, json_schema

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"


@pytest.mark.parametrize("record", ["document", "error"])
def test_committed_schema_is_current(record: str):
    committed = json.loads((SCHEMA_DIR / f"{record}.schema.json").read_text(encoding="utf-8"))
    assert committed == json_schema(record), (
        f"schema/{record}.schema.json is stale: run `make schema` (eventwire schema --record {record} -o ...)")


def test_sana_document_validates(sana_doc: dict):
    schema = json.loads((SCHEMA_DIR / "document.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(sana_doc, schema)
    assert sana_doc["schema"] == DOCUMENT_SCHEMA


def test_schema_rejects_a_broken_document(sana_doc: dict):
    schema = json.loads((SCHEMA_DIR / "document.schema.json").read_text(encoding="utf-8"))
    bad = json.loads(json.dumps(sana_doc))
    del bad["article"]["text"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)
    bad = json.loads(json.dumps(sana_doc))
    bad["places"] = [{"id": "p0", "text": "x", "start": 0, "end": 1, "precision": "galaxy"}]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_error_record_validates():
    from eventwire.records import ErrorRecord

    schema = json.loads((SCHEMA_DIR / "error.schema.json").read_text(encoding="utf-8"))
    rec = ErrorRecord(id="x", error="x: input is empty", code="empty", source="x").to_dict()
    jsonschema.validate(rec, schema)
    assert rec["schema"] == ERROR_SCHEMA


def test_the_contract_is_closed():
    """Every output field is declared: an undeclared one is an error, and optional extras stay out when unset."""
    import pydantic

    from eventwire import records

    base = {"article": {"id": "a", "text": "t"}}
    with pytest.raises(pydantic.ValidationError):
        records.Document.model_validate({**base, "surprise": 1})
    with pytest.raises(pydantic.ValidationError):
        records.Document.model_validate({**base, "claims": [{"id": "c0", "kind": "direct", "cue": {
            "text": "said", "start": 0, "end": 4}, "content": {"start": 5, "end": 9}, "leak": True}]})
    claim = {"id": "c0", "kind": "direct", "cue": {"text": "said", "start": 0, "end": 4},
             "content": {"start": 5, "end": 9}, "chain": ["Reuters"], "denial": True}
    out = records.Document.model_validate({**base, "claims": [claim]}).to_dict()
    assert out["claims"][0]["chain"] == ["Reuters"] and "hedge" not in out["claims"][0]
    schema = records.json_schema("document")["$defs"]
    assert {"chain", "denial", "hedge"} <= set(schema["Claim"]["properties"])
    assert "copy_of" in schema["Article"]["properties"] and "FramingSummary" in schema
    assert all(d.get("additionalProperties") is False for d in schema.values())
