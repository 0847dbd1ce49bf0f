"""The published OpenAPI document is a valid description a client can rely on: it validates,
every reference in it leads somewhere, and an upload's form is one schema that says what the
gateway takes."""

import re

import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator

from gateway.app import create_app


@pytest.fixture(scope="module")
def spec(tmp_path_factory):
    data = tmp_path_factory.mktemp("gateway")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EOFFICE_DATA_DIR", str(data))
        app = create_app({"TESTING": True})
    return app.test_client().get("/api/v1/openapi.json").get_json()


def refs(node, where="#"):
    """Every ``$ref`` in the document, with where it was found."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield where, value
            else:
                yield from refs(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from refs(value, f"{where}/{i}")


def resolve(spec: dict, ref: str):
    assert ref.startswith("#/"), f"{ref} points outside the document"
    node = spec
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        node = node[part]  # KeyError: the reference leads nowhere
    return node


def test_the_document_is_valid_openapi_3_1(spec):
    errors = [e.message for e in OpenAPIV31SpecValidator(spec).iter_errors()]
    assert errors == []


def test_every_reference_resolves_from_the_documents_root(spec):
    found = list(refs(spec))
    unresolved = []
    for where, ref in found:
        try:
            resolve(spec, ref)
        except (KeyError, AssertionError):
            unresolved.append((where, ref))
    assert len(found) > 100  # the error envelope alone is referred to by every operation
    assert unresolved == []


def test_the_error_envelope_describes_the_error_body_it_holds(spec):
    envelope = resolve(spec, "#/components/schemas/ErrorEnvelope")
    body = resolve(spec, envelope["properties"]["error"]["$ref"])
    assert set(body["required"]) == {"code", "message", "details"}


def test_diarising_takes_one_coherent_form_with_an_optional_pdf(spec):
    form = spec["paths"]["/api/v1/receipts"]["post"]["requestBody"]["content"][
        "multipart/form-data"
    ]
    schema = form["schema"]
    assert "allOf" not in schema and schema["additionalProperties"] is False
    assert schema["properties"]["pdf"] == {"type": "string", "format": "binary"}
    assert form["encoding"]["pdf"]["contentType"] == "application/pdf"
    # a physical letter may come without its scan; the subject and sender are always needed
    assert set(schema["required"]) == {"subject", "sender"}
    assert schema["anyOf"] == [
        {"required": ["pdf"]},
        {"properties": {"physical": {"const": True}}, "required": ["physical"]},
    ]
    # a form cannot send null: an optional field is left out instead
    assert schema["properties"]["letter_date"] == {
        "format": "date",
        "type": "string",
        "title": "Letter Date",
    }
    # text is sent as the office keeps it: trimmed (a blank subject is no subject)
    assert re.match(schema["properties"]["subject"]["pattern"], "Transfer of HC 102")
    for blank in ("", " ", "\u0085", " Transfer", "Transfer\n"):
        assert not re.match(schema["properties"]["subject"]["pattern"], blank)


def test_uploads_name_their_file_field_and_creations_answer_201(spec):
    paths = spec["paths"]
    dsc = paths["/api/v1/users/{user_id}/dsc"]["post"]
    assert dsc["requestBody"]["content"]["multipart/form-data"]["schema"]["required"] == [
        "certificate"
    ]
    assert "201" in dsc["responses"] and "200" not in dsc["responses"]
    verify = paths["/api/v1/verify"]["post"]["requestBody"]["content"]
    assert set(verify) == {"multipart/form-data", "application/pdf"}
    draft = paths["/api/v1/files/{file_id}/drafts"]["post"]["requestBody"]["content"]
    assert set(draft) == {"application/json", "multipart/form-data"}


def test_every_operation_says_a_request_line_too_long_is_refused_before_it(spec) -> None:
    """gunicorn answers 414 with a page of its own for a path and query over 4,094 bytes."""
    answers = [op["responses"]["414"] for ops in spec["paths"].values() for op in ops.values()]
    assert answers and all("text/html" in a["content"] for a in answers)
