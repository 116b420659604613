"""What a drawn Plotly figure holds, read from the browser."""

# Plotly ships numeric arrays base64-encoded; the computed traces (_fullData) hold real lengths.
_POINTS_DRAWN = """
const plot = document.querySelector(arguments[0] + ' .js-plotly-plot');
if (!plot || !plot._fullData) return -1;
return plot._fullData.reduce(
    (total, trace) => total + (trace.type === 'heatmap' ? trace.z.length : trace._length), 0);
"""


def points_drawn(dash_duo, graph_id: str) -> int:
    """Data points (bars, markers, heatmap rows) drawn in the graph; -1 when none is drawn."""
    dash_duo.wait_for_element(f"#{graph_id} .main-svg")
    return dash_duo.driver.execute_script(_POINTS_DRAWN, f"#{graph_id}")
