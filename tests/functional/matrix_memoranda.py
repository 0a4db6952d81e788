"""The memoranda area's rows of the access matrix (see test_access_matrix.py).

ROUTES: endpoint -> (GET path, {role: status}); make_world() adds the objects the paths name,
after the matrix's own world (organisations 1 and 2, match 1, partnership 1) exists.
"""

ROUTES: dict = {}


def make_world() -> None:
    """Objects the memoranda paths above refer to."""
