"""The dashboard: create it with dashapp.app.create_app; importing this package builds nothing."""
