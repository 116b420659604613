"""The runs page's mapping step: the dropdowns, the preview and the mapping read back."""

from analytics.validation.column_guess import FIELDS
from dashapp.pages.runs import ids, mapping, update


def test_the_page_declares_a_dropdown_for_each_field_the_cli_maps():
    assert {kind: tuple(fields) for kind, fields in FIELDS.items()} == ids.MAPPING_FIELDS
    assert len(set(ids.MAPPING_DROPDOWNS)) == sum(len(f) for f in FIELDS.values())
    assert set(ids.MAPPING_DROPDOWNS) <= set(ids.CALLBACK_ROLES)
    assert {ids.CALLBACK_ROLES[d] for d in ids.MAPPING_DROPDOWNS} == {ids.UPLOAD_ROLE}


def proposal() -> dict:
    return {
        "upload_id": "a" * 32,
        "filename": "shop.csv",
        "kind": "customers",
        "header": ["Client", "Note", "Bought?", "Client"],
        "rows": [["1", '=HYPERLINK("http://x")', "<b>1</b>", "1"], ["2", "x" * 100, "0", "2"]],
        "guesses": {"customers": {"customer_id": "Client", "purchased": "Bought?"}, "orders": {}},
    }


def dropdowns(component) -> dict:
    """{id: dropdown} under a component."""
    found = {}

    def walk(node):
        if getattr(node, "id", None) in ids.MAPPING_DROPDOWNS:
            found[node.id] = node
        children = getattr(node, "children", None)
        for child in children if isinstance(children, list | tuple) else [children]:
            if child is not None and not isinstance(child, str):
                walk(child)

    walk(component)
    return found


def test_the_step_is_filled_with_the_guess_and_the_files_columns():
    style, pending, kind, customers, orders, _preview = mapping.shown(proposal())
    assert style == {} and kind == "customers"
    assert pending == {"upload_id": "a" * 32, "filename": "shop.csv"}
    fields = dropdowns(customers)
    assert list(fields) == [ids.mapping_field("customers", f) for f in FIELDS["customers"]]
    client = fields[ids.mapping_field("customers", "customer_id")]
    assert client.value == "Client" and client.options == ["Client", "Note", "Bought?"]
    assert fields[ids.mapping_field("customers", "purchased")].value == "Bought?"
    assert fields[ids.mapping_field("customers", "age")].value is None
    assert all(d.value is None for d in dropdowns(orders).values())


def test_the_preview_shows_cells_as_text_cut_short():
    text = str(mapping.shown(proposal())[-1])
    # Components' text, which React escapes: shown as written, never run.
    assert "'=HYPERLINK(\"http://x\")'" in text and "'<b>1</b>'" in text
    assert "'" + "x" * 40 + "…'" in text and "x" * 41 not in text


def test_the_dropdowns_values_are_read_back_for_the_chosen_kind_only():
    values = {ids.mapping_field("customers", "customer_id"): "Client"}
    values[ids.mapping_field("customers", "purchased")] = "Bought?"
    values[ids.mapping_field("customers", "gender")] = ""
    values[ids.mapping_field("orders", "amount")] = "Total"
    values[ids.mapping_field("customers", "age")] = ["not", "a", "column"]
    choices = [values.get(dropdown) for dropdown in ids.MAPPING_DROPDOWNS]
    assert mapping.chosen("customers", choices) == {
        "customer_id": "Client",
        "purchased": "Bought?",
    }
    assert mapping.chosen("orders", choices) == {"amount": "Total"}


def test_a_required_field_left_empty_is_named_and_nothing_runs():
    progress = []
    choices = [None] * len(ids.MAPPING_DROPDOWNS)
    choices[ids.MAPPING_DROPDOWNS.index(ids.mapping_field("orders", "customer_id"))] = "Buyer"
    outcome, body, *step = update.analyse_upload(
        progress.append,
        ids.RUNS_MAPPING_ANALYSE,
        None,
        {"upload_id": "a" * 32, "filename": "log.csv"},
        "orders",
        choices,
    )
    assert "Choose the file's column for Order date and Amount: an order log needs it." in str(
        outcome
    )
    assert progress == [] and all(part is update.no_update for part in (body, *step))
