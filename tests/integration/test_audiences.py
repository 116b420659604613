"""Saved audiences in the database: saved in one transaction with their owner and date, a name
taken (in any letter case) refused within a kind of run, listed newest first, and counted on
every published run of their kind since they were made."""

import pandas as pd
import pytest
from dash._utils import split_callback_id
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from analytics.config import Settings
from analytics.db import audience_repository
from analytics.db.audience_repository import AudienceRefused
from analytics.db.models import CUSTOMER_FILE, ORDER_LOG, Audience
from analytics.db.session import session_factory
from analytics.runs import customer_file
from dashapp.app import create_app
from dashapp.data import derived, queries
from dashapp.hosting import accounts
from dashapp.pages.segments import ids
from tests.conftest import SAMPLE_CSV, TEST_SECRET_KEY
from tests.hosting import log_in


def save(url: str, name: str, query: str = "gender=Female", kind: str = CUSTOMER_FILE) -> int:
    with session_factory(url).begin() as session:
        return audience_repository.save_audience(session, name, "ana", kind, query)


def listed(url: str, kind: str = CUSTOMER_FILE) -> list:
    with session_factory(url)() as session:
        return audience_repository.audiences(session, kind)


def test_save_list_and_a_taken_name_refused(fresh_db):
    first = save(fresh_db, "  Young   buyers ", "?age=18-30&purchased=buyers")
    second = save(fresh_db, "Women")
    # Each kind of run has its own filters, so its own names.
    save(fresh_db, "Women", "rfm=Champions", kind=ORDER_LOG)

    with pytest.raises(AudienceRefused, match="already an audience named “Young buyers”"):
        save(fresh_db, "YOUNG BUYERS")
    # Letter case beyond ASCII too (SQLite's lower() would not see these as one name).
    third = save(fresh_db, "Été")
    with pytest.raises(AudienceRefused, match="already an audience named “Été”"):
        save(fresh_db, "ÉTÉ")
    with pytest.raises(AudienceRefused, match="Give the audience a name"):
        save(fresh_db, "   ")

    audiences = listed(fresh_db)
    assert [(a.id, a.name, a.owner, a.query) for a in audiences] == [
        (third, "Été", "ana", "gender=Female"),
        (second, "Women", "ana", "gender=Female"),
        (first, "Young buyers", "ana", "age=18-30&purchased=buyers"),
    ]
    assert audiences[0].created_at >= audiences[1].created_at >= audiences[2].created_at
    assert [a.name for a in listed(fresh_db, ORDER_LOG)] == ["Women"]
    with session_factory(fresh_db)() as session:
        assert session.scalar(select(func.count()).select_from(Audience)) == 4


def test_the_database_refuses_a_duplicate_name_too(fresh_db):
    # The unique constraint holds even for a writer that skips the repository's check.
    save(fresh_db, "Women")
    with pytest.raises(IntegrityError), session_factory(fresh_db).begin() as session:
        session.add(Audience(name="Women", owner="x", input_kind=CUSTOMER_FILE, query=""))


def test_a_refused_save_writes_nothing(fresh_db):
    with pytest.raises(AudienceRefused):
        save(fresh_db, "Bad", "run=1&gender=Female")
    assert listed(fresh_db) == []


def test_sizes_on_every_run_since_the_audience_was_made(own_db, tmp_path):
    url = own_db  # the sample's run, published before any audience
    women = save(url, "Women", "gender=Female")
    first_rows = tmp_path / "first-400.csv"
    first_rows.write_text("".join(SAMPLE_CSV.read_text().splitlines(keepends=True)[:401]))
    second_run = customer_file.run(first_rows, url).run_id
    later = save(url, "Later women", "gender=Female")

    with session_factory(url)() as session:
        runs = {a.id: audience_repository.runs_since(session, a) for a in listed(url)}
    first_run = runs[women][0]
    assert runs == {women: [first_run, second_run], later: [second_run]}

    sample = pd.read_csv(SAMPLE_CSV)
    expected = [
        int((sample["Gender"] == "Female").sum()),
        int((sample[:400]["Gender"] == "Female").sum()),
    ]
    assert derived.audience_sizes(url, CUSTOMER_FILE, "gender=Female", runs[women]) == expected
    assert 0 < expected[1] < expected[0]
    # A filter that the run does not fit (a segment beyond its k) gives no size there.
    assert derived.audience_sizes(url, CUSTOMER_FILE, "segment=99", runs[women]) == [None, None]


def test_in_hosted_mode_the_signed_in_analyst_owns_what_they_save(own_db):
    accounts.add_user(own_db, "ana", "correct horse battery", "analyst")
    app = create_app(Settings(database_url=own_db, secret_key=TEST_SECRET_KEY), hosted=True)
    client = app.server.test_client()
    assert log_in(client, "ana", "correct horse battery").status_code == 303
    output = next(key for key in app.callback_map if ids.SEG_AUDIENCE_LIST in key)
    registered = app.callback_map[output]
    run_id = queries.latest_run(own_db).id
    values = {
        (ids.SEG_AUDIENCE_SAVE, "n_clicks"): 1,
        (ids.SEG_AUDIENCE_NAME, "value"): "Nobody chosen",
        (ids.SEG_RUN, "data"): run_id,
    }

    def items(kind: str) -> list[dict]:
        return [
            {**item, "value": values.get((item["id"], item["property"]))}
            for item in registered[kind]
        ]

    response = client.post(
        "/_dash-update-component",
        json={
            "output": output,
            "outputs": split_callback_id(output),
            "inputs": items("inputs"),
            "state": items("state"),
            "changedPropIds": [f"{ids.SEG_AUDIENCE_SAVE}.n_clicks"],
        },
    )

    assert response.status_code == 200
    message = response.get_json()["response"][ids.SEG_AUDIENCE_MESSAGE]["children"]
    assert message["props"]["children"] == "Saved “Nobody chosen”."
    [saved] = listed(own_db)
    # No gender and no segment chosen (the controls sent nothing): the link says so.
    assert (saved.name, saved.owner, saved.query) == ("Nobody chosen", "ana", "gender=&segment=")
