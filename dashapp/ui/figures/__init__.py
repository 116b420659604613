"""Pure figure builders by chart family (one module per page, and `common`): DataFrames in,
`go.Figure` out; no database, no Dash app."""
