"""Agreements (協定書): the agreement made from an agreed proposal, its versions and parties,
confirmation and conclusion, implementation and progress reports.

Models, services, admin, views, forms, filters, the progress sheet and the demo data live here;
the models are registered under the ``proposals`` app (``proposals.models`` imports them)."""
