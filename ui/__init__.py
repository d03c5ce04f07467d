"""Streamlit/plotly layer: figure styling, URL state, presenter mode, questions, charts with export."""
