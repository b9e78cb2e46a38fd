"""The Streamlit page: widgets and session state, the views, the race player component.

Only this package imports Streamlit. It reads an experiment from the link and the widgets, asks the
model to run it, and shows the result.
"""
