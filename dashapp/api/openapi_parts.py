"""The pieces the OpenAPI document (dashapp.api.openapi) is built of: JSON Schema types and
operations, responses and errors."""


def operation(summary: str, operation_id: str, responses: dict, **more) -> dict:
    """An operation behind a bearer token: it may also answer 401, 403 and 503."""
    return {
        "summary": summary,
        "operationId": operation_id,
        **more,
        "responses": {
            **responses,
            "401": error("No token, or an unknown or revoked one"),
            "403": error("The token's user has a role below the one this needs"),
            "503": error("The database cannot be used"),
        },
    }


def typed(name: str | list[str], **more) -> dict:
    return {"type": name, **more}


def nullable(name: str, **more) -> dict:
    return typed([name, "null"], **more)


def array(items: dict) -> dict:
    return typed("array", items=items)


def obj(properties: dict, required: list[str] | None = None, **more) -> dict:
    """An object schema; without `required`, every property is required."""
    return typed(
        "object",
        **more,
        required=list(properties) if required is None else required,
        properties=properties,
    )


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def json_content(name: str) -> dict:
    return {"application/json": {"schema": ref(name)}}


def json_response(name: str, description: str) -> dict:
    return {"description": description, "content": json_content(name)}


def error(description: str) -> dict:
    return json_response("Error", description)
