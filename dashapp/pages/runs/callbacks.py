"""The runs page's callbacks: each hands its inputs to the page's `update`.

Dash runs this module, like the page's layout module, afresh for every app it builds (its page
discovery runs each module under pages/ that names register_page), so every app gets these
callbacks; nothing imports it.
"""

from dash import Input, Output, State, callback, clientside_callback, ctx

from dashapp.pages.runs import ids, update


@callback(Output(ids.RUNS_COMPARISON, "children"), Input(ids.RUNS_COMPARE, "value"))
def show_comparison(run_id):
    return update.comparison_with_previous(run_id)


# The browser refuses a file of the wrong type, an empty one or one over the limit with a
# message, before sending it: dcc.Upload's own max_size would drop it without a word, and a body
# over the limit would be refused (413) before any callback could answer. The job checks again.
clientside_callback(
    r"""
    function (contents, filename, limits) {
        const name = filename || "The file";
        const refuse = (reason) => [null, {
            namespace: "dash_bootstrap_components", type: "Alert",
            props: {color: "danger", children: [
                {namespace: "dash_html_components", type: "Strong",
                 props: {children: "Not analysed. "}},
                `${name}: ${reason}`,
            ]},
        }];
        if (!contents) {
            return [window.dash_clientside.no_update, window.dash_clientside.no_update];
        }
        if (!/\.csv$/i.test(name)) {
            return refuse(limits.wrong_type);
        }
        const encoded = contents.slice(contents.indexOf(",") + 1);
        const padding = (encoded.match(/=+$/) || [""])[0].length;
        const bytes = Math.floor(encoded.length * 3 / 4) - padding;
        if (bytes === 0) {
            return refuse(limits.empty);
        }
        if (bytes > limits.max_bytes) {
            const megabytes = (bytes / 1024 / 1024).toFixed(1);
            return refuse(`the file is ${megabytes} MB, ${limits.too_large}`);
        }
        return [{contents: contents, filename: filename}, null];
    }
    """,
    Output(ids.RUNS_UPLOAD_ACCEPTED, "data"),
    Output(ids.RUNS_ERROR, "children", allow_duplicate=True),
    Input(ids.RUNS_UPLOAD, "contents"),
    State(ids.RUNS_UPLOAD, "filename"),
    State(ids.RUNS_UPLOAD_LIMITS, "data"),
    prevent_initial_call=True,
)


@callback(
    Output(ids.RUNS_ERROR, "children"),
    Output(ids.RUNS_BODY, "children"),
    Output(ids.RUNS_MAPPING, "style"),
    Output(ids.RUNS_MAPPING_PENDING, "data"),
    Output(ids.RUNS_MAPPING_KIND, "value"),
    *(Output(group, "children") for group in ids.RUNS_MAPPING_GROUPS.values()),
    Output(ids.RUNS_MAPPING_PREVIEW, "children"),
    Input(ids.RUNS_UPLOAD_ACCEPTED, "data"),
    Input(ids.RUNS_MAPPING_ANALYSE, "n_clicks"),
    State(ids.RUNS_MAPPING_PENDING, "data"),
    State(ids.RUNS_MAPPING_KIND, "value"),
    *(State(dropdown, "value") for dropdown in ids.MAPPING_DROPDOWNS),
    background=True,
    progress=[
        Output(ids.RUNS_PROGRESS, "value"),
        Output(ids.RUNS_PROGRESS, "label"),
        Output(ids.RUNS_STATUS, "children"),
    ],
    running=[
        (Output(ids.RUNS_PROGRESS, "style"), {"height": "22px"}, {"display": "none"}),
        (Output(ids.RUNS_UPLOAD, "disabled"), True, False),
        (Output(ids.RUNS_MAPPING_ANALYSE, "disabled"), True, False),
    ],
    prevent_initial_call=True,
)
def analyse_upload(set_progress, upload, _clicks, pending, kind, *choices):
    return update.analyse_upload(set_progress, ctx.triggered_id, upload, pending, kind, choices)


# The mapping step shows the dropdowns of the kind of input chosen.
clientside_callback(
    """
    function (kind) {
        return ["customers", "orders"].map((k) => (k === kind ? {} : {display: "none"}));
    }
    """,
    *(Output(group, "style") for group in ids.RUNS_MAPPING_GROUPS.values()),
    Input(ids.RUNS_MAPPING_KIND, "value"),
)


@callback(Output(ids.RUNS_SET_ASIDE, "children"), Input(ids.RUNS_COMPARE, "value"))
def show_set_aside(run_id):
    return update.set_aside(run_id)


@callback(
    Output(ids.RUNS_SET_ASIDE_DOWNLOAD, "data"),
    Input(ids.RUNS_SET_ASIDE_EXPORT, "n_clicks"),
    State(ids.RUNS_COMPARE, "value"),
    prevent_initial_call=True,
)
def download_set_aside(_clicks, run_id):
    return update.set_aside_download(run_id)
